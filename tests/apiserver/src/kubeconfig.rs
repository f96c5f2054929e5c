//! The kubeconfig that points clients at a running test server.

/// A kubeconfig for `http://ADDR` with a bearer token (when the server wants one) and
/// `namespace` as the context's default.
pub fn render(addr: &str, token: Option<&str>, namespace: &str) -> String {
    let user = match token {
        Some(t) => format!("    token: {t}\n"),
        None => "    {}\n".to_string(),
    };
    let user = if token.is_some() {
        format!("  user:\n{user}")
    } else {
        "  user: {}\n".to_string()
    };
    format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: rudder-testserver\n  cluster:\n    server: http://{addr}\n\
contexts:\n- name: rudder-testserver\n  context:\n    cluster: rudder-testserver\n    user: rudder-testserver\n    namespace: {namespace}\n\
current-context: rudder-testserver\npreferences: {{}}\nusers:\n- name: rudder-testserver\n{user}"
    )
}
