/** Small bots used as fixture repositories (made by the tests, served by GitServer). */
export const fixtures = {
  /** A Node bot with one npm dependency; prints a line every 200 ms and writes a file in /data. */
  nodeBot: {
    'package.json': JSON.stringify(
      { name: 'fixture-bot', version: '1.0.0', private: true, scripts: { start: 'node index.js' }, dependencies: { 'is-number': '7.0.0' } },
      null,
      2,
    ),
    'index.js': [
      "const isNumber = require('is-number');",
      "const fs = require('node:fs');",
      "console.log('bot started', isNumber(5) ? 'deps ok' : 'deps broken', 'user', process.getuid());",
      "console.error('a line on stderr');",
      "fs.writeFileSync('/data/started.txt', new Date().toISOString());",
      "fs.writeFileSync('written-beside-code.txt', 'ok');",
      "let n = 0; setInterval(() => console.log('tick', ++n), 200);",
      "process.on('SIGTERM', () => { console.log('bye'); process.exit(0); });",
    ].join('\n'),
  },
  /** A repository with its own Dockerfile. */
  dockerfileBot: {
    Dockerfile: 'FROM node:24-slim\nWORKDIR /srv\nCOPY app.js .\nCMD ["node", "app.js"]\n',
    'app.js': "console.log('from my own Dockerfile'); setInterval(() => {}, 1000);",
  },
  /** A Python bot (standard library only). */
  pythonBot: {
    'requirements.txt': '',
    'main.py': "import time, sys\nprint('python bot up', flush=True)\nwhile True:\n    time.sleep(1)\n",
  },
  /** Fails during the build. */
  brokenBuild: {
    'package.json': JSON.stringify({ name: 'broken', scripts: { build: 'node -e "process.exit(3)"', start: 'node index.js' } }),
    'index.js': "console.log('never');",
  },
  /** Builds, then exits with an error at once. */
  crashAtStart: {
    'package.json': JSON.stringify({ name: 'crash', scripts: { start: 'node index.js' } }),
    'index.js': "console.error('missing TOKEN, exiting'); process.exit(2);",
  },
  /** Allocates memory until the plan's limit kills it. */
  memoryHog: {
    'package.json': JSON.stringify({ name: 'hog', scripts: { start: 'node --max-old-space-size=4096 index.js' } }),
    'index.js': "const keep = []; console.log('eating memory'); setInterval(() => { keep.push(Buffer.alloc(32 * 1024 * 1024, 1)); }, 50);",
  },
  /** Writes 1.1 GB into /data (more than the dev plan's 1 GB), 16 MB at a time, then idles. */
  diskHog: {
    'package.json': JSON.stringify({ name: 'disk-hog', scripts: { start: 'node index.js' } }),
    'index.js': [
      "const fs = require('node:fs');",
      'const chunk = Buffer.alloc(16 * 1024 * 1024, 7);',
      "const fd = fs.openSync('/data/big.bin', 'w');",
      'for (let i = 0; i < 70; i++) fs.writeSync(fd, chunk);',
      'fs.closeSync(fd);',
      "console.log('wrote 1120 MB');",
      'setInterval(() => {}, 1000);',
    ].join('\n'),
  },
  /** Prints pairing QR codes the ways WhatsApp libraries do, one after another, then a pairing code, then connects. */
  whatsappQrBot: {
    'package.json': JSON.stringify({ name: 'qr-bot', scripts: { start: 'node index.js' }, dependencies: { 'qrcode-terminal': '0.12.0', qrcode: '1.5.4' } }),
    'index.js': [
      "const qrTerminal = require('qrcode-terminal');",
      "const QRCode = require('qrcode');",
      'const payloads = JSON.parse(process.env.QR_PAYLOADS);',
      'const sleep = (ms) => new Promise((r) => setTimeout(r, ms));',
      '(async () => {',
      "  console.log('[baileys] waiting for QR');",
      '  qrTerminal.generate(payloads[0], { small: true }, (qr) => console.log(qr));',
      '  await sleep(2500);',
      "  console.log((await QRCode.toString(payloads[1], { type: 'utf8' })).split('\\n').map((l) => new Date().toISOString() + ' ' + l).join('\\n'));",
      '  await sleep(2500);',
      '  qrTerminal.generate(payloads[2], { small: false }, (qr) => console.log(qr));',
      '  await sleep(2500);',
      "  console.log('qr: ' + payloads[3]);",
      '  await sleep(2500);',
      "  console.log('Pairing code: WXYZ-1234');",
      '  await sleep(2500);',
      "  console.log('connection open');",
      '  setInterval(() => {}, 1000);',
      '})();',
    ].join('\n'),
  },
  /** BuilderBot's way: announces the QR in the logs and writes it as bot.qr.png beside its code. */
  builderbotQrBot: {
    'package.json': JSON.stringify({ name: 'builderbot-like', scripts: { start: 'node index.js' }, dependencies: { qrcode: '1.5.4' } }),
    'index.js': [
      "const QRCode = require('qrcode');",
      "const file = process.env.QR_FILE || 'bot.qr.png';",
      'QRCode.toFile(file, process.env.P, { margin: 4 }).then(() => {',
      "  console.log('⚡⚡ ACTION REQUIRED ⚡⚡');",
      "  console.log('You must scan the QR Code');",
      "  console.log('👌 ' + file);",
      "  console.log('Remember that the QR code updates every minute');",
      '});',
      'setInterval(() => {}, 1000);',
    ].join('\n'),
  },
  /**
   * Floods its output for FLOOD_MS: 400 lines of 5,400 █ and 400 of 8,190 █ every 100 ms (as fast as the
   * output pipe takes them), each batch followed by lines crafted
   * against the parsers (words the connection-state patterns look for, repeated; over-long pairing strings).
   * Then prints the pairing QR code P the usual way, and idles.
   */
  floodBot: {
    'package.json': JSON.stringify({ name: 'flood-bot', scripts: { start: 'node index.js' }, dependencies: { 'qrcode-terminal': '0.12.0' } }),
    'index.js': [
      "const qr = require('qrcode-terminal');",
      // The engine cuts a line of more than 16 KiB in two (8,190 █ are 24 KiB): 5,400 █ reach the worker whole.
      "const block = ('█'.repeat(5400) + '\\n').repeat(400) + ('█'.repeat(8190) + '\\n').repeat(400);",
      'const crafted = [',
      "  'ready '.repeat(1360), 'whatsapp '.repeat(905), 'connection closed '.repeat(450), ' 401'.repeat(2040),",
      "  'pairing code ' + '-'.repeat(8000), 'qr: 2@' + 'A'.repeat(8100) + ',B,C', 'https://wa.me/settings/linked_devices#' + '.'.repeat(8000),",
      "].join('\\n') + '\\n';",
      'const until = Date.now() + Number(process.env.FLOOD_MS);',
      'let rounds = 0;',
      'let writing = false;',
      'const flood = setInterval(() => {',
      '  if (Date.now() < until) {',
      '    if (writing) return; // the previous batch is still being written: output pipes set the pace',
      '    writing = true;',
      '    process.stdout.write(block + crafted, () => { writing = false; });',
      '    rounds += 1;',
      '    return;',
      '  }',
      '  clearInterval(flood);',
      "  console.log('flood over after ' + rounds + ' rounds');",
      '  qr.generate(process.env.P, { small: true }, (code) => console.log(code));',
      '}, 100);',
      'setInterval(() => {}, 1000);',
    ].join('\n'),
  },
  /** Keeps a Baileys-style session in ./auth_info_baileys (beside its code) and says whether it was restored. */
  sessionBot: {
    'package.json': JSON.stringify({ name: 'session-bot', scripts: { start: 'node index.js' } }),
    'index.js': [
      "const fs = require('node:fs');",
      "const dir = process.env.SESSION_DIR || 'auth_info_baileys';",
      "const file = dir + '/creds.json';",
      'fs.mkdirSync(dir, { recursive: true });',
      'if (fs.existsSync(file)) console.log("session " + JSON.parse(fs.readFileSync(file, "utf8")).id + " restored");',
      'else { const id = Math.random().toString(36).slice(2); fs.writeFileSync(file, JSON.stringify({ id })); console.log("session " + id + " new"); }',
      'setInterval(() => {}, 1000);',
    ].join('\n'),
  },
  /** Nothing we can run. */
  unknown: { 'README.md': '# nothing to run here\n' },
} satisfies Record<string, Record<string, string>>;
