# Least-privilege policy for a token that runs citadel.secrets.vault_posture_info (every Vault check).
# It reads configuration and metadata only: no secret value, no key material, no token.
# Install: bao policy write posture-auditor docs/posture_audit_policy.hcl

# audit: the audit device list is root-protected
path "sys/audit" {
  capabilities = ["read", "sudo"]
}

# tokens: listing token accessors is root-protected; each accessor is then looked up (no token value returned)
path "auth/token/accessors" {
  capabilities = ["list", "sudo"]
}
path "auth/token/lookup-accessor" {
  capabilities = ["update"]
}

# listeners: the sanitized server configuration (OpenBao serves it with read; add "sudo" if your server refuses)
path "sys/config/state/sanitized" {
  capabilities = ["read"]
}

# mounts: the mount lists and their effective TTLs (sys/mounts/auth/<path>/tune needs no sudo, unlike
# sys/auth/<path>/tune)
path "sys/mounts" {
  capabilities = ["read"]
}
path "sys/mounts/+/tune" {
  capabilities = ["read"]
}
path "sys/auth" {
  capabilities = ["read"]
}
path "sys/mounts/auth/+/tune" {
  capabilities = ["read"]
}

# policies
path "sys/policies/acl/*" {
  capabilities = ["read", "list"]
}

# roles and approle: approle, jwt/oidc and kubernetes roles (role), userpass users (users), cert roles (certs),
# token roles
path "auth/+/role/*" {
  capabilities = ["read", "list"]
}
path "auth/+/users/*" {
  capabilities = ["read", "list"]
}
path "auth/+/certs/*" {
  capabilities = ["read", "list"]
}
path "auth/token/roles/*" {
  capabilities = ["read", "list"]
}

# roles of database and pki mounts, transit keys (settings and version dates) and KV v2 metadata (versions and
# dates, no values). "+" is any mount at the top level: name your mounts instead where you can, and add the
# deeper paths of nested mounts (team/db/roles/*).
path "+/roles/*" {
  capabilities = ["read", "list"]
}
path "+/static-roles/*" {
  capabilities = ["read", "list"]
}
path "+/keys/*" {
  capabilities = ["read", "list"]
}
path "+/metadata/*" {
  capabilities = ["read", "list"]
}
