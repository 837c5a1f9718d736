/**
 * Kubernetes service links: for every Service in the namespace the kubelet injects
 * `NAME_SERVICE_HOST`, `NAME_SERVICE_PORT`, `NAME_SERVICE_PORT_<portname>`, `NAME_PORT`,
 * `NAME_PORT_<n>_<PROTO>` and its `_PROTO`/`_PORT`/`_ADDR` variants (unless the pod sets
 * `enableServiceLinks: false`).
 */
const SERVICE_LINK = /^[A-Z_][A-Z0-9_]*?(_SERVICE_HOST|_SERVICE_PORT(_[A-Z0-9_]+)?|_PORT|_PORT_\d+_(TCP|UDP|SCTP)(_(PROTO|PORT|ADDR))?)$/;

/** Does this variable name look like a Kubernetes service link? */
export function isServiceLink(name: string): boolean {
  return SERVICE_LINK.test(name);
}
