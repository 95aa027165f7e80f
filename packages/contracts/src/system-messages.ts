/**
 * What the platform itself says in an instance's log (stream `system`): a code and its parameters, stored with
 * the line, and said in the reader's language when read (pt-BR, en, es). The stored `line` is the pt-BR text,
 * for readers that ask for nothing else.
 *
 * Templates: `{name}` is replaced by the parameter; `{name|brl}` formats cents as reais, `{name|date}` an ISO
 * time as a date in Brazil's time zone, both in the reader's language.
 */

export type SystemMessageLocale = 'pt-BR' | 'en' | 'es';
export type SystemMessageParams = Readonly<Record<string, string | number>>;
export type SystemMessage = { readonly code: SystemMessageCode; readonly params: SystemMessageParams };

const CATALOG = {
  deploy_queued: {
    'pt-BR': 'Deploy #{n} na fila: aguardando outro build terminar neste servidor…',
    en: 'Deploy #{n} queued: waiting for another build to finish on this server…',
    es: 'Deploy #{n} en cola: esperando que termine otro build en este servidor…',
  },
  deploy_cloning: { 'pt-BR': 'Deploy #{n}: clonando {target}…', en: 'Deploy #{n}: cloning {target}…', es: 'Deploy #{n}: clonando {target}…' },
  deploy_failed: { 'pt-BR': 'Deploy #{n} falhou: {reason}', en: 'Deploy #{n} failed: {reason}', es: 'El deploy #{n} falló: {reason}' },
  deploy_starting: { 'pt-BR': 'Iniciando o deploy #{n}…', en: 'Starting deploy #{n}…', es: 'Iniciando el deploy #{n}…' },
  deploy_restarting: { 'pt-BR': 'Reiniciando com o deploy #{n}…', en: 'Restarting with deploy #{n}…', es: 'Reiniciando con el deploy #{n}…' },
  instance_paused: { 'pt-BR': 'Instância pausada.', en: 'Instance paused.', es: 'Instancia en pausa.' },
  instance_resumed: { 'pt-BR': 'Instância retomada.', en: 'Instance resumed.', es: 'Instancia reanudada.' },
  instance_moving: {
    'pt-BR': 'Movendo a instância para outro servidor (a sessão do WhatsApp vai junto)…',
    en: 'Moving the instance to another server (its WhatsApp session goes with it)…',
    es: 'Moviendo la instancia a otro servidor (la sesión de WhatsApp va con ella)…',
  },
  no_capacity: {
    'pt-BR': 'Sem espaço nos servidores para o plano desta instância agora; ela será iniciada assim que houver.',
    en: 'No server has room for this instance’s plan right now; it will start as soon as one does.',
    es: 'Ningún servidor tiene espacio para el plan de esta instancia ahora; se iniciará en cuanto lo haya.',
  },
  plan_applied: {
    'pt-BR': 'Plano aplicado: {cpu} vCPU, {memory} MB.',
    en: 'Plan applied: {cpu} vCPU, {memory} MB.',
    es: 'Plan aplicado: {cpu} vCPU, {memory} MB.',
  },
  session_cleared: {
    'pt-BR': 'Sessão do WhatsApp apagada: o bot vai pedir um novo pareamento.',
    en: 'WhatsApp session deleted: the bot will ask to pair again.',
    es: 'Sesión de WhatsApp borrada: el bot pedirá emparejar de nuevo.',
  },
  session_backup_ready: {
    'pt-BR': 'Backup da sessão do WhatsApp pronto para baixar.',
    en: 'WhatsApp session backup ready to download.',
    es: 'Copia de la sesión de WhatsApp lista para descargar.',
  },
  session_restored: {
    'pt-BR': 'Sessão do WhatsApp restaurada do backup: o bot volta com ela.',
    en: 'WhatsApp session restored from the backup: the bot comes back with it.',
    es: 'Sesión de WhatsApp restaurada desde la copia: el bot vuelve con ella.',
  },
  lines_dropped: {
    'pt-BR': '[zapdeploy] {count} linha(s) descartada(s): o bot escreveu mais de {perSecond} linhas/s',
    en: '[zapdeploy] {count} line(s) dropped: the bot wrote more than {perSecond} lines/s',
    es: '[zapdeploy] {count} línea(s) descartada(s): el bot escribió más de {perSecond} líneas/s',
  },
  lines_skipped: {
    'pt-BR': '[zapdeploy] linhas antigas saíram do histórico antes de chegar aqui (o bot escreveu mais rápido do que a conexão leu)',
    en: '[zapdeploy] older lines left the history before reaching you (the bot wrote faster than the connection read)',
    es: '[zapdeploy] líneas antiguas salieron del historial antes de llegar aquí (el bot escribió más rápido de lo que la conexión leyó)',
  },
  lines_lost: {
    'pt-BR': '[zapdeploy] {count} linha(s) perdida(s) enquanto o armazenamento de logs estava fora do ar',
    en: '[zapdeploy] {count} line(s) lost while the log store was down',
    es: '[zapdeploy] {count} línea(s) perdida(s) mientras el almacén de logs estaba caído',
  },
  payment_approved: {
    'pt-BR': 'Pagamento de {amount|brl} aprovado (Mercado Pago {payment}): plano pago até {until|date}.',
    en: 'Payment of {amount|brl} approved (Mercado Pago {payment}): plan paid until {until|date}.',
    es: 'Pago de {amount|brl} aprobado (Mercado Pago {payment}): plan pagado hasta {until|date}.',
  },
  payment_refunded: {
    'pt-BR': 'O pagamento {payment} foi estornado: o período pago terminou. Pague de novo para manter o bot no ar.',
    en: 'Payment {payment} was refunded: the paid period has ended. Pay again to keep the bot running.',
    es: 'El pago {payment} fue reembolsado: el período pagado terminó. Paga de nuevo para mantener el bot en línea.',
  },
  payment_charged_back: {
    'pt-BR': 'O pagamento {payment} foi contestado (chargeback): o período pago terminou. Pague de novo para manter o bot no ar.',
    en: 'Payment {payment} was charged back: the paid period has ended. Pay again to keep the bot running.',
    es: 'El pago {payment} fue impugnado (contracargo): el período pagado terminó. Paga de nuevo para mantener el bot en línea.',
  },
  plan_change_applied: {
    'pt-BR': 'Fim do período pago: a troca de plano agendada foi aplicada.',
    en: 'End of the paid period: the scheduled plan change was applied.',
    es: 'Fin del período pagado: se aplicó el cambio de plan programado.',
  },
  payment_reminder: {
    'pt-BR': 'Lembrete: o período pago termina em {at|date}. Pague o próximo período (Pix ou cartão) para o bot seguir no ar.',
    en: 'Reminder: the paid period ends on {at|date}. Pay the next period (Pix or card) to keep the bot running.',
    es: 'Recordatorio: el período pagado termina el {at|date}. Paga el próximo período (Pix o tarjeta) para que el bot siga en línea.',
  },
  payment_grace: {
    'pt-BR': 'Pagamento pendente: o bot segue no ar até {at|date}; depois disso ele será pausado.',
    en: 'Payment due: the bot keeps running until {at|date}; after that it will be paused.',
    es: 'Pago pendiente: el bot sigue en línea hasta el {at|date}; después se pausará.',
  },
  payment_suspended: {
    'pt-BR': 'Instância pausada: pagamento pendente. Os dados ficam guardados até {at|date}.',
    en: 'Instance paused: payment due. Its data is kept until {at|date}.',
    es: 'Instancia en pausa: pago pendiente. Los datos se guardan hasta el {at|date}.',
  },
} as const satisfies Record<string, Record<SystemMessageLocale, string>>;

export type SystemMessageCode = keyof typeof CATALOG;
export const SYSTEM_MESSAGE_CODES = Object.keys(CATALOG) as SystemMessageCode[];

export function isSystemMessageCode(code: string): code is SystemMessageCode {
  return code in CATALOG;
}

const FORMATS: Record<string, (value: string | number, locale: SystemMessageLocale) => string> = {
  // Plain spaces (Intl puts a no-break space after R$): log lines are searched and copied as text.
  brl: (cents, locale) => new Intl.NumberFormat(locale, { style: 'currency', currency: 'BRL' }).format(Number(cents) / 100).replace(/\u00a0/g, ' '),
  date: (iso, locale) => new Date(String(iso)).toLocaleDateString(locale, { timeZone: 'America/Sao_Paulo' }),
};

/** The message in a language; parameters it does not name are ignored, missing ones are left as `{name}`. */
export function renderSystemMessage(code: SystemMessageCode, params: SystemMessageParams, locale: SystemMessageLocale = 'pt-BR'): string {
  return CATALOG[code][locale].replace(/\{(\w+)(?:\|(\w+))?\}/g, (whole, name: string, format: string | undefined) => {
    const value = params[name];
    if (value === undefined) return whole;
    const formatter = format ? FORMATS[format] : undefined;
    return formatter ? formatter(value, locale) : String(value);
  });
}
