export { type AccessConfig, isLoopbackHost, loadAccessConfig } from './access.js';
export { booleanString, ConfigError, commaList, type Env, parseEnv, portNumber, privateGitHosts, urlString } from './env.js';
export { type GithubConfig, loadGithubConfig } from './github.js';
export { type InfraConfig, loadInfraConfig } from './infra.js';
export { type LocalClusterConfig, loadLocalClusterConfig } from './local-cluster.js';
