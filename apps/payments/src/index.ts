export { type CheckoutInput, CheckoutService } from './checkout-service.js';
export { loadPaymentsConfig, type PaymentsConfig } from './config.js';
export { HttpMercadoPago } from './mercadopago/http-client.js';
export { verifyMercadoPagoSignature } from './mercadopago/signature.js';
export { type PaymentsOverrides, PaymentsService } from './payments-service.js';
