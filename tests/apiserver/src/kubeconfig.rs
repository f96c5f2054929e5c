//! The kubeconfig that points clients at a running test server.

/// A kubeconfig for the server at `addr`: `https` with the CA's PEM as
/// `certificate-authority-data` when `ca` is given, else plain `http`; a bearer token when the
/// server wants one; `namespace` as the context's default.
pub fn render(addr: &str, token: Option<&str>, namespace: &str, ca: Option<&[u8]>) -> String {
    let user = match token {
        Some(t) => format!("  user:\n    token: {t}\n"),
        None => "  user: {}\n".to_string(),
    };
    let (scheme, ca_line) = match ca {
        Some(pem) => ("https", format!("    certificate-authority-data: {}\n", base64(pem))),
        None => ("http", String::new()),
    };
    format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: rudder-testserver\n  cluster:\n    server: {scheme}://{addr}\n{ca_line}\
contexts:\n- name: rudder-testserver\n  context:\n    cluster: rudder-testserver\n    user: rudder-testserver\n    namespace: {namespace}\n\
current-context: rudder-testserver\npreferences: {{}}\nusers:\n- name: rudder-testserver\n{user}"
    )
}

/// Standard base64 with padding.
fn base64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_pads() {
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }
}
