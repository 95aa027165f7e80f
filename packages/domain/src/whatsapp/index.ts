export { QrDetector, type QrFormat, type QrFound } from './qr-detector.js';
export { stripAnsi } from './qr-matrix.js';
export { decodeQrPng } from './qr-png.js';
export { type Connection, INITIAL_STATE, nextState, type WhatsappState } from './whatsapp-state.js';
