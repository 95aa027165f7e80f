// Exemplo Zapdeploy: BuilderBot com o provedor Baileys. O BuilderBot grava o QR em bot.qr.png, que o
// Zapdeploy mostra no painel; a sessão (bot_sessions) fica no volume da instância.
const { createBot, createProvider, createFlow, addKeyword, MemoryDB } = require('@builderbot/bot');
const { BaileysProvider } = require('@builderbot/provider-baileys');

const welcome = addKeyword(['oi', 'olá', 'ola']).addAnswer('Olá! Eu rodo no Zapdeploy 🚀');

async function main() {
  console.log('builderbot example starting');
  const provider = createProvider(BaileysProvider);
  await createBot({ flow: createFlow([welcome]), provider, database: new MemoryDB() });
}

main();
