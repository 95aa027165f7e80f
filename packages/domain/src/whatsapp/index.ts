export { isDecodableQrPng, pngSize, QR_PNG_LIMITS } from './png-header.js';
export {
  attemptMatrix,
  QR_DETECTOR_PATTERNS,
  type QrAttempt,
  type QrDetection,
  QrDetector,
  type QrDrawing,
  type QrFormat,
  type QrFound,
} from './qr-detector.js';
export { type Matrix, QR_LIMITS, QR_MATRIX_PATTERNS, scanned, stripAnsi } from './qr-matrix.js';
export { type Connection, INITIAL_STATE, nextState, WHATSAPP_STATE_PATTERNS, type WhatsappState } from './whatsapp-state.js';
