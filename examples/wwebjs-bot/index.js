// Exemplo Zapdeploy: bot whatsapp-web.js que responde "!ping" com "pong".
// O Zapdeploy instala o Chromium do Debian na imagem e aponta o puppeteer para ele (PUPPETEER_EXECUTABLE_PATH);
// a sessão (.wwebjs_auth) fica no volume da instância.
const { Client, LocalAuth } = require('whatsapp-web.js');
const qrcode = require('qrcode-terminal');

const client = new Client({
  authStrategy: new LocalAuth(),
  puppeteer: {
    executablePath: process.env.PUPPETEER_EXECUTABLE_PATH,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  },
});

client.on('qr', (qr) => qrcode.generate(qr, { small: true }));
client.on('ready', () => console.log('connected to WhatsApp'));
client.on('message', async (message) => {
  if (message.body === '!ping') await message.reply('pong');
});

console.log('whatsapp-web.js example starting');
client.initialize().catch((error) => {
  console.error(`could not open WhatsApp Web: ${error.message}`);
  process.exitCode = 1;
});
// Tell the logs which browser runs, once puppeteer has started it.
const probe = setInterval(async () => {
  if (!client.pupBrowser) return;
  clearInterval(probe);
  console.log(`browser started: ${await client.pupBrowser.version()}`);
}, 500);
