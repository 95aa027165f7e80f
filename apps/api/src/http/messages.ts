export const LOCALES = ['pt-BR', 'en', 'es'] as const;
export type Locale = (typeof LOCALES)[number];

type Catalog = Record<string, Record<Locale, string>>;

/** User-facing texts of every error code the API returns, in each supported language. */
const catalog: Catalog = {
  validation_failed: { 'pt-BR': 'Alguns campos estão inválidos.', en: 'Some fields are invalid.', es: 'Algunos campos no son válidos.' },
  null_character: {
    'pt-BR': 'O texto enviado contém um caractere nulo (\\u0000), que não é aceito.',
    en: 'The text sent contains a null character (\\u0000), which is not accepted.',
    es: 'El texto enviado contiene un carácter nulo (\\u0000), que no se acepta.',
  },
  malformed_json: {
    'pt-BR': 'O corpo do pedido não é um JSON válido.',
    en: 'The request body is not valid JSON.',
    es: 'El cuerpo de la solicitud no es un JSON válido.',
  },
  unauthenticated: {
    'pt-BR': 'Entre na sua conta ou continue como visitante.',
    en: 'Sign in or continue as a guest.',
    es: 'Inicia sesión o continúa como invitado.',
  },
  untrusted_origin: {
    'pt-BR': 'Pedido recusado: a origem não é confiável.',
    en: 'Request refused: untrusted origin.',
    es: 'Solicitud rechazada: origen no confiable.',
  },
  account_suspended: {
    'pt-BR': 'Esta conta está suspensa. Fale com o suporte para saber mais.',
    en: 'This account is suspended. Contact support to learn more.',
    es: 'Esta cuenta está suspendida. Habla con soporte para saber más.',
  },
  method_not_allowed: {
    'pt-BR': 'Este endereço não aceita este método HTTP.',
    en: 'This path does not accept this HTTP method.',
    es: 'Esta ruta no acepta este método HTTP.',
  },
  route_not_found: { 'pt-BR': 'Este endereço não existe na API.', en: 'There is no such API path.', es: 'Esta ruta no existe en la API.' },
  instance_not_found: { 'pt-BR': 'Instância não encontrada.', en: 'Instance not found.', es: 'Instancia no encontrada.' },
  token_not_found: { 'pt-BR': 'Token não encontrado.', en: 'Token not found.', es: 'Token no encontrado.' },
  deployment_not_found: { 'pt-BR': 'Deploy não encontrado.', en: 'Deployment not found.', es: 'Deploy no encontrado.' },
  plan_not_found: { 'pt-BR': 'Plano não encontrado.', en: 'Plan not found.', es: 'Plan no encontrado.' },
  guest_plan_not_allowed: {
    'pt-BR': 'Visitantes usam só o plano Dev. Crie uma conta para escolher o plano {plan}.',
    en: 'Guests can only use the Dev plan. Sign up to choose the {plan} plan.',
    es: 'Los invitados solo pueden usar el plan Dev. Crea una cuenta para elegir el plan {plan}.',
  },
  guest_instance_limit: {
    'pt-BR': 'Visitantes podem ter uma instância. Crie uma conta para ter mais e manter a sua.',
    en: 'Guests can have one instance. Sign up to have more and keep yours.',
    es: 'Los invitados pueden tener una instancia. Crea una cuenta para tener más y conservar la tuya.',
  },
  dev_instance_limit: {
    'pt-BR': 'Cada conta pode ter {max} instância no plano Dev gratuito. Escolha um plano pago ou apague a atual.',
    en: 'Each account can have {max} instance on the free Dev plan. Choose a paid plan or delete the current one.',
    es: 'Cada cuenta puede tener {max} instancia en el plan Dev gratuito. Elige un plan de pago o borra la actual.',
  },
  plan_requires_payment: {
    'pt-BR': 'O plano {plan} é pago: ele passa a valer quando o pagamento (Pix ou cartão) for aprovado. Use “Pagar plano” na instância.',
    en: 'The {plan} plan is paid: it takes effect once the payment (Pix or card) is approved. Use “Pay for plan” on the instance.',
    es: 'El plan {plan} es de pago: entra en vigor cuando se aprueba el pago (Pix o tarjeta). Usa “Pagar plan” en la instancia.',
  },
  instance_name_taken: {
    'pt-BR': 'Você já tem uma instância chamada “{name}”.',
    en: 'You already have an instance named “{name}”.',
    es: 'Ya tienes una instancia llamada «{name}».',
  },
  instance_deleted: { 'pt-BR': 'Esta instância está sendo apagada.', en: 'This instance is being deleted.', es: 'Esta instancia se está borrando.' },
  instance_not_paused: { 'pt-BR': 'A instância não está pausada.', en: 'The instance is not paused.', es: 'La instancia no está en pausa.' },
  instance_paused: {
    'pt-BR': 'A instância está pausada: retome-a antes de reiniciar.',
    en: 'The instance is paused: resume it before restarting.',
    es: 'La instancia está en pausa: reanúdala antes de reiniciar.',
  },
  idempotency_key_reused: {
    'pt-BR': 'Esta Idempotency-Key já foi usada com outro pedido.',
    en: 'This Idempotency-Key was already used with a different request.',
    es: 'Esta Idempotency-Key ya se usó con otra solicitud.',
  },
  invalid_cursor: { 'pt-BR': 'Cursor de paginação inválido.', en: 'Invalid pagination cursor.', es: 'Cursor de paginación no válido.' },
  inspect_busy: {
    'pt-BR': 'Já estamos analisando um repositório para você. Tente de novo em alguns segundos.',
    en: 'We are already looking at a repository for you. Try again in a few seconds.',
    es: 'Ya estamos analizando un repositorio para ti. Inténtalo de nuevo en unos segundos.',
  },
  rate_limited: {
    'pt-BR': 'Muitas requisições. Tente de novo em {seconds} s.',
    en: 'Too many requests. Try again in {seconds} s.',
    es: 'Demasiadas solicitudes. Inténtalo de nuevo en {seconds} s.',
  },
  internal_error: {
    'pt-BR': 'Algo deu errado do nosso lado. Tente novamente.',
    en: 'Something went wrong on our side. Please try again.',
    es: 'Algo salió mal de nuestro lado. Inténtalo de nuevo.',
  },
  unavailable: { 'pt-BR': 'Serviço indisponível no momento.', en: 'Service unavailable right now.', es: 'Servicio no disponible en este momento.' },
  guest_cannot_create_tokens: {
    'pt-BR': 'Crie uma conta para gerar tokens de API.',
    en: 'Sign up to create API tokens.',
    es: 'Crea una cuenta para generar tokens de API.',
  },
  guests_disabled: {
    'pt-BR': 'Esta instalação não aceita visitantes. Entre com a sua conta.',
    en: 'This install does not take guests. Sign in with your account.',
    es: 'Esta instalación no acepta invitados. Inicia sesión con tu cuenta.',
  },
  signups_closed: {
    'pt-BR': 'O cadastro está fechado nesta instalação. Peça ao administrador para autorizar o seu e-mail.',
    en: 'Sign-up is closed on this install. Ask the administrator to allow your e-mail.',
    es: 'El registro está cerrado en esta instalación. Pide al administrador que autorice tu correo.',
  },
  guest_merge_dev_limit: {
    'pt-BR':
      'A sua conta já tem uma instância no plano Dev gratuito, e a do visitante não cabe nela. Nada foi alterado: você continua como visitante. Apague uma das duas ou mude uma para um plano pago e entre de novo.',
    en: 'Your account already has an instance on the free Dev plan, and the guest’s one does not fit. Nothing was changed: you are still the guest. Delete one of them or move one to a paid plan, then sign in again.',
    es: 'Tu cuenta ya tiene una instancia en el plan Dev gratuito y la del invitado no cabe. No se cambió nada: sigues como invitado. Borra una de las dos o pasa una a un plan de pago y vuelve a iniciar sesión.',
  },
  guest_merge_name_taken: {
    'pt-BR': 'A sua conta já tem uma instância chamada “{name}”. Nada foi alterado: renomeie a do visitante e entre de novo.',
    en: 'Your account already has an instance named “{name}”. Nothing was changed: rename the guest’s one and sign in again.',
    es: 'Tu cuenta ya tiene una instancia llamada «{name}». No se cambió nada: renombra la del invitado y vuelve a iniciar sesión.',
  },
  token_scope_insufficient: {
    'pt-BR': 'Este token não permite esta ação (precisa do escopo “{scope}”).',
    en: 'This token does not allow this action (it needs the “{scope}” scope).',
    es: 'Este token no permite esta acción (necesita el alcance «{scope}»).',
  },
  token_expired: {
    'pt-BR': 'Este token de API expirou. Crie outro em Conta.',
    en: 'This API token has expired. Create another one under Account.',
    es: 'Este token de API caducó. Crea otro en Cuenta.',
  },
  already_signed_in: { 'pt-BR': 'Você já entrou com uma conta.', en: 'You are already signed in.', es: 'Ya iniciaste sesión.' },
  bad_request: { 'pt-BR': 'Pedido inválido.', en: 'Invalid request.', es: 'Solicitud no válida.' },
  github_not_configured: {
    'pt-BR': 'A integração com o GitHub não está configurada nesta instalação.',
    en: 'The GitHub integration is not configured on this install.',
    es: 'La integración con GitHub no está configurada en esta instalación.',
  },
  github_not_connected: {
    'pt-BR': 'Entre com o GitHub para escolher seus repositórios.',
    en: 'Sign in with GitHub to pick your repositories.',
    es: 'Inicia sesión con GitHub para elegir tus repositorios.',
  },
  repo_not_accessible: {
    'pt-BR': 'O repositório {repo} é privado e não está liberado para você no app do Zapdeploy no GitHub. Instale o app e dê acesso a ele.',
    en: 'The repository {repo} is private and not available to you through the Zapdeploy GitHub App. Install the app and grant it access.',
    es: 'El repositorio {repo} es privado y no está disponible para ti en la app de Zapdeploy en GitHub. Instala la app y dale acceso.',
  },
  webhook_signature_invalid: { 'pt-BR': 'Assinatura do webhook inválida.', en: 'Invalid webhook signature.', es: 'Firma del webhook no válida.' },
  payload_too_large: { 'pt-BR': 'O pedido é grande demais.', en: 'The request is too large.', es: 'La solicitud es demasiado grande.' },
  payments_not_configured: {
    'pt-BR': 'Os pagamentos não estão configurados nesta instalação do Zapdeploy (faltam as credenciais do Mercado Pago). Nenhuma cobrança foi feita.',
    en: 'Payments are not configured on this Zapdeploy install (Mercado Pago credentials are missing). Nothing was charged.',
    es: 'Los pagos no están configurados en esta instalación de Zapdeploy (faltan las credenciales de Mercado Pago). No se cobró nada.',
  },
  payment_provider_error: {
    'pt-BR': 'O Mercado Pago não respondeu como esperado. Nada foi cobrado; tente de novo em instantes.',
    en: 'Mercado Pago did not answer as expected. Nothing was charged; try again in a moment.',
    es: 'Mercado Pago no respondió como se esperaba. No se cobró nada; inténtalo de nuevo en un momento.',
  },
  plan_not_billable: {
    'pt-BR': 'O plano {plan} é gratuito: não há o que pagar.',
    en: 'The {plan} plan is free: there is nothing to pay.',
    es: 'El plan {plan} es gratuito: no hay nada que pagar.',
  },
  downgrade_at_period_end: {
    'pt-BR': 'Para ir a um plano mais barato, troque o plano da instância: a mudança vale no fim do período já pago.',
    en: 'To move to a cheaper plan, change the instance’s plan: it takes effect when the paid period ends.',
    es: 'Para pasar a un plan más barato, cambia el plan de la instancia: el cambio vale al final del período ya pagado.',
  },
  already_subscribed: {
    'pt-BR': 'Esta instância já tem uma assinatura no cartão para este plano.',
    en: 'This instance already has a card subscription for this plan.',
    es: 'Esta instancia ya tiene una suscripción con tarjeta para este plan.',
  },
  guest_must_sign_up: {
    'pt-BR': 'Crie sua conta (grátis) antes de pagar: assim o pagamento e o bot ficam no seu nome. Seu bot continua com você.',
    en: 'Create your (free) account before paying, so that the payment and the bot are in your name. Your bot stays with you.',
    es: 'Crea tu cuenta (gratis) antes de pagar, para que el pago y el bot queden a tu nombre. Tu bot sigue contigo.',
  },
  instance_unpaid: {
    'pt-BR': 'Esta instância está pausada por falta de pagamento. Pague o plano (Pix ou cartão) ou mude para o plano gratuito para retomar.',
    en: 'This instance is paused for lack of payment. Pay for the plan (Pix or card) or switch to the free plan to resume.',
    es: 'Esta instancia está en pausa por falta de pago. Paga el plan (Pix o tarjeta) o cambia al plan gratuito para reanudar.',
  },
  notification_malformed: {
    'pt-BR': 'Notificação sem tipo ou sem id do recurso.',
    en: 'Notification without a type or a resource id.',
    es: 'Notificación sin tipo o sin id del recurso.',
  },
  session_archive_invalid: {
    'pt-BR': 'Este arquivo não é um backup de sessão que possamos usar (envie o .tar.gz baixado no painel).',
    en: 'This file is not a session backup we can use (send the .tar.gz downloaded from the dashboard).',
    es: 'Este archivo no es un backup de sesión que podamos usar (envía el .tar.gz descargado en el panel).',
  },
  session_archive_too_large: {
    'pt-BR': 'O backup de sessão passa do limite de {maxMb} MB (compactado) ou se expande demais.',
    en: 'The session backup is over the {maxMb} MB limit (compressed) or expands too much.',
    es: 'El backup de sesión supera el límite de {maxMb} MB (comprimido) o se expande demasiado.',
  },
  session_transfer_expired: {
    'pt-BR': 'Este backup de sessão expirou. Peça um novo.',
    en: 'This session backup has expired. Ask for a new one.',
    es: 'Este backup de sesión ha caducado. Pide uno nuevo.',
  },
  too_many_streams: {
    'pt-BR': 'Conexões ao vivo demais abertas ao mesmo tempo (máximo {max}). Feche outras abas e tente de novo.',
    en: 'Too many live connections open at once (at most {max}). Close other tabs and try again.',
    es: 'Demasiadas conexiones en vivo abiertas a la vez (máximo {max}). Cierra otras pestañas e inténtalo de nuevo.',
  },
  session_backup_not_ready: {
    'pt-BR': 'O backup ainda não está pronto. Tente de novo em instantes.',
    en: 'The backup is not ready yet. Try again in a moment.',
    es: 'El backup aún no está listo. Inténtalo de nuevo en un momento.',
  },
  session_transfer_not_found: {
    'pt-BR': 'Backup não encontrado.',
    en: 'Backup not found.',
    es: 'Backup no encontrado.',
  },
  reason_awaiting_payment: {
    'pt-BR': 'Aguardando pagamento: pague o plano (Pix ou cartão) e o bot sobe em seguida.',
    en: 'Awaiting payment: pay for the plan (Pix or card) and the bot starts right after.',
    es: 'Esperando el pago: paga el plan (Pix o tarjeta) y el bot arranca enseguida.',
  },
  reason_payment_overdue: {
    'pt-BR': 'Pausada: pagamento pendente. Pague para retomar; os dados ficam guardados por 30 dias.',
    en: 'Paused: payment overdue. Pay to resume; the data is kept for 30 days.',
    es: 'En pausa: pago pendiente. Paga para reanudar; los datos se guardan 30 días.',
  },
  // Why an instance is in its status (statusReason codes)
  reason_exit_code: { 'pt-BR': 'O bot encerrou com o código {0}.', en: 'The bot exited with code {0}.', es: 'El bot terminó con el código {0}.' },
  reason_oom_killed: {
    'pt-BR': 'Memória esgotada: o bot passou dos {0} MB do plano. Escolha um plano maior ou reduza o uso de memória.',
    en: 'Out of memory: the bot went over the plan’s {0} MB. Choose a bigger plan or use less memory.',
    es: 'Memoria agotada: el bot superó los {0} MB del plan. Elige un plan mayor o usa menos memoria.',
  },
  reason_no_capacity: {
    'pt-BR': 'Nenhum servidor tem espaço para o plano desta instância agora; ela será iniciada assim que houver.',
    en: 'No server has room for this instance’s plan right now; it will start as soon as one does.',
    es: 'Ningún servidor tiene espacio para el plan de esta instancia ahora; se iniciará en cuanto lo haya.',
  },
  reason_restarting: { 'pt-BR': 'Reiniciando automaticamente. {0}', en: 'Restarting automatically. {0}', es: 'Reiniciando automáticamente. {0}' },
  reason_deploy_failed: {
    'pt-BR': 'O deploy #{0} falhou; a versão anterior continua no ar.',
    en: 'Deploy #{0} failed; the previous version keeps running.',
    es: 'El deploy #{0} falló; la versión anterior sigue en línea.',
  },
  reason_disk_quota: {
    'pt-BR': 'Pausada: o bot usa {0} MB de disco, e o plano permite {1} MB. Libere espaço (arquivos em /data) ou escolha um plano maior, e retome.',
    en: 'Paused: the bot uses {0} MB of disk and the plan allows {1} MB. Free space (files in /data) or choose a bigger plan, then resume.',
    es: 'En pausa: el bot usa {0} MB de disco y el plan permite {1} MB. Libera espacio (archivos en /data) o elige un plan mayor, y reanuda.',
  },
  reason_build_failed: {
    'pt-BR': 'O build falhou. Veja os logs do deploy.',
    en: 'The build failed. See the deploy logs.',
    es: 'El build falló. Mira los logs del deploy.',
  },
  reason_dockerfile_not_allowed: {
    'pt-BR':
      'O Dockerfile pede ao build um download que não permitimos (ADD de uma URL, imagem de um registro fora da lista ou ONBUILD). Baixe arquivos num RUN (curl/wget); veja a linha nos logs do deploy.',
    en: 'The Dockerfile asks the build for a download we do not allow (ADD of a URL, an image from a registry outside the list, or ONBUILD). Download files in a RUN step (curl/wget); see the line in the deploy logs.',
    es: 'El Dockerfile pide al build una descarga que no permitimos (ADD de una URL, una imagen de un registro fuera de la lista u ONBUILD). Descarga archivos en un RUN (curl/wget); mira la línea en los logs del deploy.',
  },
  reason_dockerfile_invalid: {
    'pt-BR': 'O Dockerfile é inválido. Veja os logs do deploy.',
    en: 'The Dockerfile is invalid. See the deploy logs.',
    es: 'El Dockerfile no es válido. Mira los logs del deploy.',
  },
  reason_build_timeout: {
    'pt-BR': 'O build demorou demais e foi interrompido.',
    en: 'The build took too long and was stopped.',
    es: 'El build tardó demasiado y se detuvo.',
  },
  reason_unknown_project: {
    'pt-BR':
      'Não sabemos como rodar este repositório: adicione um package.json (Node), requirements.txt (Python), um Dockerfile ou um zapdeploy.json com "start".',
    en: 'We do not know how to run this repository: add a package.json (Node), requirements.txt (Python), a Dockerfile or a zapdeploy.json with "start".',
    es: 'No sabemos cómo ejecutar este repositorio: agrega un package.json (Node), requirements.txt (Python), un Dockerfile o un zapdeploy.json con "start".',
  },
  reason_missing_start_node: {
    'pt-BR': 'Falta o comando de início: adicione "scripts": { "start": "node index.js" } ao package.json.',
    en: 'No start command: add "scripts": { "start": "node index.js" } to package.json.',
    es: 'Falta el comando de inicio: agrega "scripts": { "start": "node index.js" } al package.json.',
  },
  reason_missing_start_python: {
    'pt-BR': 'Falta o arquivo de início: adicione um main.py ou "start" no zapdeploy.json.',
    en: 'No entry point: add a main.py or "start" to zapdeploy.json.',
    es: 'Falta el archivo de inicio: agrega un main.py o "start" en zapdeploy.json.',
  },
  reason_invalid_zapdeploy_json: {
    'pt-BR': 'O zapdeploy.json é inválido. Veja os logs do deploy.',
    en: 'zapdeploy.json is invalid. See the deploy logs.',
    es: 'El zapdeploy.json no es válido. Mira los logs del deploy.',
  },
  reason_repo_not_found: {
    'pt-BR': 'Nenhum repositório git neste endereço.',
    en: 'No git repository at this URL.',
    es: 'No hay un repositorio git en esta dirección.',
  },
  reason_repo_private: {
    'pt-BR': 'O repositório é privado ou não existe. Conecte o GitHub para usar repositórios privados.',
    en: 'The repository is private or does not exist. Connect GitHub to use private repositories.',
    es: 'El repositorio es privado o no existe. Conecta GitHub para usar repositorios privados.',
  },
  reason_branch_not_found: {
    'pt-BR': 'O branch escolhido não existe no repositório.',
    en: 'The chosen branch does not exist in the repository.',
    es: 'La rama elegida no existe en el repositorio.',
  },
  reason_repo_host_not_allowed: {
    'pt-BR': 'Este endereço é de uma rede privada; só clonamos de servidores públicos.',
    en: 'This address is on a private network; we only clone from public hosts.',
    es: 'Esta dirección es de una red privada; solo clonamos de servidores públicos.',
  },
  reason_repo_host_unknown: {
    'pt-BR': 'Não encontramos o servidor do repositório.',
    en: 'The repository host could not be found.',
    es: 'No encontramos el servidor del repositorio.',
  },
  reason_repo_too_large: { 'pt-BR': 'O repositório é grande demais.', en: 'The repository is too large.', es: 'El repositorio es demasiado grande.' },
  reason_clone_timeout: {
    'pt-BR': 'O clone do repositório demorou demais.',
    en: 'Cloning the repository took too long.',
    es: 'La clonación del repositorio tardó demasiado.',
  },
  reason_clone_failed: {
    'pt-BR': 'Não foi possível clonar o repositório.',
    en: 'The repository could not be cloned.',
    es: 'No se pudo clonar el repositorio.',
  },
  reason_repo_url_invalid: {
    'pt-BR': 'Use um endereço https, como https://github.com/usuario/bot.',
    en: 'Use an https address such as https://github.com/user/bot.',
    es: 'Usa una dirección https, como https://github.com/usuario/bot.',
  },
  reason_root_dir_not_found: {
    'pt-BR': 'A pasta raiz escolhida não existe no repositório.',
    en: 'The chosen root folder does not exist in the repository.',
    es: 'La carpeta raíz elegida no existe en el repositorio.',
  },
  // Sign-up / sign-in (codes of the auth library, lower-cased)
  user_already_exists: {
    'pt-BR': 'Já existe uma conta com este e-mail.',
    en: 'An account with this e-mail already exists.',
    es: 'Ya existe una cuenta con este correo.',
  },
  user_already_exists_use_another_email: {
    'pt-BR': 'Já existe uma conta com este e-mail.',
    en: 'An account with this e-mail already exists.',
    es: 'Ya existe una cuenta con este correo.',
  },
  invalid_email_or_password: { 'pt-BR': 'E-mail ou senha incorretos.', en: 'Wrong e-mail or password.', es: 'Correo o contraseña incorrectos.' },
  invalid_email: { 'pt-BR': 'E-mail inválido.', en: 'Invalid e-mail address.', es: 'Correo no válido.' },
  email_not_verified: {
    'pt-BR': 'Confirme seu e-mail pelo link que enviamos antes de entrar.',
    en: 'Confirm your e-mail through the link we sent before signing in.',
    es: 'Confirma tu correo con el enlace que enviamos antes de entrar.',
  },
  password_too_short: {
    'pt-BR': 'A senha precisa ter pelo menos 10 caracteres.',
    en: 'The password needs at least 10 characters.',
    es: 'La contraseña necesita al menos 10 caracteres.',
  },
  password_too_long: {
    'pt-BR': 'A senha pode ter no máximo 128 caracteres.',
    en: 'The password can have at most 128 characters.',
    es: 'La contraseña puede tener como máximo 128 caracteres.',
  },
  password_too_simple: {
    'pt-BR': 'Essa senha é fácil demais de adivinhar. Use uma frase ou mais variedade.',
    en: 'That password is too easy to guess. Use a phrase or more variety.',
    es: 'Esa contraseña es demasiado fácil de adivinar. Usa una frase o más variedad.',
  },
  password_contains_email: {
    'pt-BR': 'A senha não pode conter o seu e-mail.',
    en: 'The password must not contain your e-mail.',
    es: 'La contraseña no puede contener tu correo.',
  },
  // Administration
  forbidden: {
    'pt-BR': 'Você não tem permissão para isto (precisa de “{permission}”).',
    en: 'You are not allowed to do this (it needs “{permission}”).',
    es: 'No tienes permiso para esto (necesita «{permission}»).',
  },
  cluster_not_found: { 'pt-BR': 'Cluster não encontrado.', en: 'Cluster not found.', es: 'Clúster no encontrado.' },
  cluster_name_taken: {
    'pt-BR': 'Já existe um cluster chamado “{name}”.',
    en: 'There is already a cluster named “{name}”.',
    es: 'Ya existe un clúster llamado «{name}».',
  },
  cluster_unreachable: {
    'pt-BR': 'Não foi possível usar o cluster: {reason} Nada foi salvo.',
    en: 'The cluster could not be used: {reason} Nothing was saved.',
    es: 'No se pudo usar el clúster: {reason} No se guardó nada.',
  },
  'cluster_unreachable.invalid_endpoint': {
    'pt-BR': 'o endereço do Docker não é válido (use unix:///var/run/docker.sock, tcp://host:2375 ou https://host:2376, sem usuário e senha).',
    en: 'the Docker address is not valid (use unix:///var/run/docker.sock, tcp://host:2375 or https://host:2376, without user and password).',
    es: 'la dirección de Docker no es válida (usa unix:///var/run/docker.sock, tcp://host:2375 o https://host:2376, sin usuario ni contraseña).',
  },
  'cluster_unreachable.invalid_kubeconfig': {
    'pt-BR': 'o kubeconfig não pôde ser lido (YAML com clusters, users, contexts e um current-context com servidor http(s)).',
    en: 'the kubeconfig could not be read (YAML with clusters, users, contexts and a current-context with an http(s) server).',
    es: 'no se pudo leer el kubeconfig (YAML con clusters, users, contexts y un current-context con servidor http(s)).',
  },
  'cluster_unreachable.kubeconfig_not_allowed': {
    'pt-BR':
      'o kubeconfig usa “{field}”, que não aceitamos: as credenciais precisam estar no próprio arquivo (token ou client-certificate-data, certificate-authority-data), sem comandos (exec, auth-provider) nem caminhos de arquivos.',
    en: 'the kubeconfig uses “{field}”, which we do not accept: credentials must be inside the file (token or client-certificate-data, certificate-authority-data), with no commands (exec, auth-provider) nor file paths.',
    es: 'el kubeconfig usa «{field}», que no aceptamos: las credenciales deben estar en el propio archivo (token o client-certificate-data, certificate-authority-data), sin comandos (exec, auth-provider) ni rutas de archivos.',
  },
  'cluster_unreachable.socket_not_found': {
    'pt-BR': 'o socket {endpoint} não existe nesta máquina.',
    en: 'the socket {endpoint} does not exist on this machine.',
    es: 'el socket {endpoint} no existe en esta máquina.',
  },
  'cluster_unreachable.permission_denied': {
    'pt-BR': 'sem permissão para abrir {endpoint}.',
    en: 'no permission to open {endpoint}.',
    es: 'sin permiso para abrir {endpoint}.',
  },
  'cluster_unreachable.connection_refused': {
    'pt-BR': '{endpoint} recusou a conexão (ou não há rota até ele).',
    en: '{endpoint} refused the connection (or there is no route to it).',
    es: '{endpoint} rechazó la conexión (o no hay ruta hasta él).',
  },
  'cluster_unreachable.host_not_found': {
    'pt-BR': 'o endereço {endpoint} não foi encontrado (DNS).',
    en: 'the address {endpoint} could not be found (DNS).',
    es: 'no se encontró la dirección {endpoint} (DNS).',
  },
  'cluster_unreachable.timeout': {
    'pt-BR': '{endpoint} não respondeu a tempo.',
    en: '{endpoint} did not answer in time.',
    es: '{endpoint} no respondió a tiempo.',
  },
  'cluster_unreachable.tls': {
    'pt-BR': 'o certificado TLS de {endpoint} não foi aceito (confira certificate-authority-data).',
    en: 'the TLS certificate of {endpoint} was not accepted (check certificate-authority-data).',
    es: 'no se aceptó el certificado TLS de {endpoint} (revisa certificate-authority-data).',
  },
  'cluster_unreachable.unauthorized': {
    'pt-BR': '{endpoint} recusou as credenciais.',
    en: '{endpoint} refused the credentials.',
    es: '{endpoint} rechazó las credenciales.',
  },
  'cluster_unreachable.forbidden': {
    'pt-BR': 'as credenciais valem, mas não podem listar os nós em {endpoint} (a conta precisa de “list nodes”).',
    en: 'the credentials work but may not list the nodes on {endpoint} (the account needs “list nodes”).',
    es: 'las credenciales valen, pero no pueden listar los nodos en {endpoint} (la cuenta necesita «list nodes»).',
  },
  'cluster_unreachable.unexpected_answer': {
    'pt-BR': '{endpoint} respondeu algo que não esperávamos (é mesmo um Docker ou um Kubernetes?).',
    en: '{endpoint} answered something we did not expect (is it really Docker or Kubernetes?).',
    es: '{endpoint} respondió algo que no esperábamos (¿es realmente Docker o Kubernetes?).',
  },
  cluster_not_empty: {
    'pt-BR': 'O cluster “{cluster}” ainda tem {count} instância(s) rodando ou a caminho. Drene o cluster antes de removê-lo.',
    en: 'The cluster “{cluster}” still has {count} instance(s) running there or on their way. Drain it before removing it.',
    es: 'El clúster «{cluster}» aún tiene {count} instancia(s) ejecutándose o en camino. Drénalo antes de quitarlo.',
  },
  cluster_not_active: {
    'pt-BR': 'O cluster “{cluster}” não recebe instâncias agora (está {status}).',
    en: 'The cluster “{cluster}” takes no instances now (it is {status}).',
    es: 'El clúster «{cluster}» no recibe instancias ahora (está {status}).',
  },
  same_cluster: {
    'pt-BR': 'A instância já roda no cluster “{cluster}”.',
    en: 'The instance already runs on the cluster “{cluster}”.',
    es: 'La instancia ya se ejecuta en el clúster «{cluster}».',
  },
  no_capacity: {
    'pt-BR': 'Não há espaço para o plano desta instância no cluster “{cluster}” (memória ou CPU).',
    en: 'There is no room for this instance’s plan on the cluster “{cluster}” (memory or CPU).',
    es: 'No hay espacio para el plan de esta instancia en el clúster «{cluster}» (memoria o CPU).',
  },
  // Operator console, access (admins, areas, audit)
  user_not_found: { 'pt-BR': 'Usuário não encontrado.', en: 'User not found.', es: 'Usuario no encontrado.' },
  guest_cannot_be_admin: {
    'pt-BR': 'Visitantes não podem administrar: a pessoa precisa criar uma conta primeiro.',
    en: 'Guests cannot be administrators: the person needs to create an account first.',
    es: 'Los invitados no pueden administrar: la persona debe crear una cuenta primero.',
  },
  cannot_change_self: {
    'pt-BR': 'Você não pode mudar as suas próprias áreas: peça a outro administrador.',
    en: 'You cannot change your own areas: ask another administrator.',
    es: 'No puedes cambiar tus propias áreas: pídeselo a otro administrador.',
  },
  last_owner: {
    'pt-BR': 'Esta é a última conta dona da plataforma: dê o papel de dona a outra conta antes de removê-lo.',
    en: 'This is the platform’s last owner account: make another account an owner before removing it.',
    es: 'Esta es la última cuenta propietaria de la plataforma: haz propietaria a otra cuenta antes de quitarlo.',
  },
  // Operator console: people (users and instances)
  instance_limit: {
    'pt-BR': 'Sua conta pode ter no máximo {max} instância(s). Apague uma ou fale com o suporte.',
    en: 'Your account can have at most {max} instance(s). Delete one or contact support.',
    es: 'Tu cuenta puede tener como máximo {max} instancia(s). Borra una o habla con soporte.',
  },
  courtesy_until_invalid: {
    'pt-BR': 'A cortesia precisa terminar no futuro, em no máximo {max} dias.',
    en: 'The courtesy must end in the future, at most {max} days from now.',
    es: 'La cortesía debe terminar en el futuro, en un máximo de {max} días.',
  },
  cannot_suspend_self: {
    'pt-BR': 'Você não pode suspender a sua própria conta.',
    en: 'You cannot suspend your own account.',
    es: 'No puedes suspender tu propia cuenta.',
  },
  cannot_suspend_admin: {
    'pt-BR': 'Só um dono da plataforma pode suspender um administrador.',
    en: 'Only an owner of the platform can suspend an administrator.',
    es: 'Solo un dueño de la plataforma puede suspender a un administrador.',
  },
  reason_account_suspended: {
    'pt-BR': 'Pausada: conta suspensa. Fale com o suporte.',
    en: 'Paused: account suspended. Contact support.',
    es: 'En pausa: cuenta suspendida. Habla con soporte.',
  },
  // --- Operator console: money (plans, finance) ---
  plan_slug_taken: {
    'pt-BR': 'Já existe um plano com o identificador “{slug}”.',
    en: 'There is already a plan with the slug “{slug}”.',
    es: 'Ya existe un plan con el identificador «{slug}».',
  },
  plan_archived: {
    'pt-BR': 'O plano “{plan}” foi arquivado e não aceita novas instâncias. Escolha outro plano.',
    en: 'The “{plan}” plan is archived and takes no new instances. Choose another plan.',
    es: 'El plan «{plan}» está archivado y no acepta nuevas instancias. Elige otro plan.',
  },
  plan_price_tier: {
    'pt-BR': 'Um plano Dev é gratuito (preço 0) e um plano de produção tem preço maior que zero.',
    en: 'A Dev plan is free (price 0) and a production plan has a price above zero.',
    es: 'Un plan Dev es gratuito (precio 0) y un plan de producción tiene un precio mayor que cero.',
  },
  finance_month_invalid: {
    'pt-BR': '“{month}” não é um mês (use AAAA-MM).',
    en: '“{month}” is not a month (use YYYY-MM).',
    es: '«{month}» no es un mes (usa AAAA-MM).',
  },
  finance_month_future: {
    'pt-BR': 'O mês {month} ainda não começou.',
    en: 'The month {month} has not started yet.',
    es: 'El mes {month} aún no ha comenzado.',
  },
  finance_range_too_long: {
    'pt-BR': 'Exporte no máximo {max} meses de uma vez.',
    en: 'Export at most {max} months at a time.',
    es: 'Exporta como máximo {max} meses a la vez.',
  },
  plan_reprice_failed: {
    'pt-BR':
      'O novo preço foi salvo, mas as assinaturas de cartão deste plano ainda não foram atualizadas (serviço de pagamentos indisponível). Envie o mesmo preço de novo para tentar outra vez.',
    en: 'The new price was saved, but this plan’s card subscriptions were not updated yet (payments service unavailable). Send the same price again to retry.',
    es: 'El nuevo precio se guardó, pero las suscripciones con tarjeta de este plan aún no se actualizaron (servicio de pagos no disponible). Envía el mismo precio de nuevo para reintentar.',
  },
  cost_line_not_found: { 'pt-BR': 'Linha de custo não encontrada.', en: 'Cost line not found.', es: 'Línea de costo no encontrada.' },
  // --- end of money ---
};

export function hasMessage(code: string): boolean {
  return code in catalog;
}

/**
 * The text of a code in a language, its `{name}` placeholders filled from `params`. A `reason` parameter is itself
 * said through `<code>.<reason>` when the catalog has it (e.g. `cluster_unreachable.timeout`).
 */
export function translate(code: string, locale: Locale, params: Readonly<Record<string, string | number>> = {}): string | undefined {
  const template = catalog[code]?.[locale];
  const { reason, ...others } = params;
  const nested = reason === undefined ? undefined : `${code}.${reason}`;
  const filled = nested !== undefined && nested in catalog ? { ...others, reason: translate(nested, locale, others) ?? String(reason) } : params;
  return template?.replace(/\{(\w+)\}/g, (whole, name: string) => (name in filled ? String(filled[name]) : whole));
}

/**
 * Says a status reason code (`exit_code:2`, `oom_killed:256`, `restarting:exit_code:1`, `deploy_failed:3`)
 * in a language; null for no reason, the raw code when unknown.
 */
export function describeReason(reason: string | null, locale: Locale): string | null {
  if (!reason) return null;
  const [code = '', ...rest] = reason.split(':');
  if (code === 'disk_quota') return translate('reason_disk_quota', locale, { 0: rest[0] ?? '?', 1: rest[1] ?? '?' }) ?? reason;
  if (code === 'restarting') return translate('reason_restarting', locale, { 0: describeReason(rest.join(':'), locale) ?? '' })?.trim() ?? reason;
  return translate(`reason_${code}`, locale, { 0: rest.join(':') }) ?? reason;
}

/** Picks the best supported language from an Accept-Language header; pt-BR when nothing matches. */
export function negotiateLocale(header: string | undefined): Locale {
  if (!header) return 'pt-BR';
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag = '', ...rest] = part.trim().split(';');
      const q = Number(
        rest
          .find((p) => p.trim().startsWith('q='))
          ?.trim()
          .slice(2) ?? 1,
      );
      return { tag: tag.toLowerCase(), q: Number.isFinite(q) ? q : 0 };
    })
    .filter((entry) => entry.tag && entry.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    if (tag.startsWith('pt')) return 'pt-BR';
    if (tag.startsWith('en')) return 'en';
    if (tag.startsWith('es')) return 'es';
  }
  return 'pt-BR';
}
