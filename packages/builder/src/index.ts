export type { BuildPlan, Detection, DockerfilePlan, NodePlan, PythonPlan } from './build-plan.js';
export { type CloneRequest, cloneRepository, type RemoteRequest, remoteCommit } from './clone.js';
export { detectBuild, parseKeyValue, type SourceView } from './detect.js';
export { CA_IN_CONTEXT, GENERATED_DOCKERFILE, generateDockerfile } from './dockerfile.js';
export { checkDockerfile, DEFAULT_BUILD_REGISTRIES, type DockerfileVerdict } from './dockerfile-policy.js';
export { SourceError } from './errors.js';
export { assertPublicGitHost, guardGitHost, isPrivateAddress, isPublicAddress, type PrivateGitHosts } from './host-guard.js';
export { type InspectRequest, inspectSource, type PreparedSource, type PrepareRequest, prepareSource } from './prepare-source.js';
export { SESSION_FOLDERS, sessionEntrypoint } from './session-entrypoint.js';
