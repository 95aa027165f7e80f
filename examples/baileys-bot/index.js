// Exemplo Zapdeploy: bot Baileys que responde "!ping" com "pong".
// O QR aparece limpo no painel do Zapdeploy; a sessão (auth_info_baileys) sobrevive a novos deploys.
const { default: makeWASocket, DisconnectReason, useMultiFileAuthState } = require('@whiskeysockets/baileys');
const pino = require('pino');
const qrcode = require('qrcode-terminal');

async function start() {
  const { state, saveCreds } = await useMultiFileAuthState('auth_info_baileys');
  const sock = makeWASocket({ auth: state, logger: pino({ level: 'warn' }) });
  sock.ev.on('creds.update', saveCreds);
  sock.ev.on('connection.update', ({ connection, lastDisconnect, qr }) => {
    if (qr) qrcode.generate(qr, { small: true });
    if (connection === 'open') console.log('connected to WhatsApp');
    if (connection === 'close') {
      const code = lastDisconnect?.error?.output?.statusCode;
      if (code === DisconnectReason.loggedOut) {
        console.log('logged out: scan the new QR');
      } else {
        console.log(`connection closed (${code ?? 'network'}), reconnecting in 5 s`);
        setTimeout(start, 5000);
      }
    }
  });
  sock.ev.on('messages.upsert', async ({ messages }) => {
    for (const message of messages) {
      const text = message.message?.conversation ?? message.message?.extendedTextMessage?.text;
      if (!message.key.fromMe && text === '!ping') await sock.sendMessage(message.key.remoteJid, { text: 'pong' });
    }
  });
}

console.log('baileys example starting');
start();
