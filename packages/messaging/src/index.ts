export { type ConsumeOptions, type DeadLetter, decode, type Handler, type MessageBus, type MessageDef, routingKey } from './bus.js';
export { type DeliveredMessage, MemoryBus } from './memory-bus.js';
export { RabbitMqBus, type RabbitMqOptions } from './rabbitmq-bus.js';
