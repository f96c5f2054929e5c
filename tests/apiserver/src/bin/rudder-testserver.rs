//! `rudder-testserver`: runs the test API server until interrupted, writing a kubeconfig for it
//! and printing that file's path as the last line of stdout.
//!
//! ```text
//! rudder-testserver [--port N] [--kubeconfig PATH] [--not-ready] [--tls] [--token T] [--fault SPEC]...
//! ```
//! `RUDDER_TESTSERVER_FAULTS` adds comma-separated faults (see `Fault::parse` for SPEC).

use std::path::PathBuf;
use std::process::ExitCode;

use rudder_testserver::{Fault, Options};

const USAGE: &str =
    "usage: rudder-testserver [--port N] [--kubeconfig PATH] [--not-ready] [--tls] [--token T] [--fault SPEC]...
  --port N           listen on 127.0.0.1:N (default: a free port)
  --kubeconfig PATH  where to write the kubeconfig (default: ./testserver.kubeconfig)
  --not-ready        leave workloads not ready (no status that passes readiness checks)
  --tls              serve HTTPS with the committed test certificate (CA in the kubeconfig)
  --token T          require this bearer token (kubectl sends tokens over HTTPS only)
  --fault SPEC       inject a fault: WHEN=ACTION[xCOUNT][@PATH], e.g. writes=503x2, write#3=drop,
                     any=delay:200, reads=429:1, writes-from#4=drop-after (also RUDDER_TESTSERVER_FAULTS)";

fn parse(args: &[String]) -> Result<(Options, PathBuf), String> {
    let mut options = Options::default();
    let mut kubeconfig = PathBuf::from("testserver.kubeconfig");
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |flag: &str| it.next().cloned().ok_or_else(|| format!("{flag} needs a value"));
        match a.as_str() {
            "--port" => {
                options.port = value("--port")?
                    .parse()
                    .map_err(|_| "--port: not a port number".to_string())?
            }
            "--kubeconfig" => kubeconfig = PathBuf::from(value("--kubeconfig")?),
            "--not-ready" => options.ready = false,
            "--tls" => options.tls = true,
            "--token" => options.token = Some(value("--token")?),
            "--fault" => options.faults.push(Fault::parse(&value("--fault")?)?),
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if let Ok(env) = std::env::var("RUDDER_TESTSERVER_FAULTS") {
        for spec in env.split(',').filter(|s| !s.trim().is_empty()) {
            options
                .faults
                .push(Fault::parse(spec.trim()).map_err(|e| format!("RUDDER_TESTSERVER_FAULTS: {e}"))?);
        }
    }
    Ok((options, kubeconfig))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (options, kubeconfig) = match parse(&args) {
        Ok(x) => x,
        Err(e) if e.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("error: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: starting the runtime: {e}");
            return ExitCode::from(1);
        }
    };
    rt.block_on(async move {
        let (listener, handle) = match rudder_testserver::bind(&options).await {
            Ok(x) => x,
            Err(e) => {
                eprintln!("error: binding 127.0.0.1:{}: {e}", options.port);
                return ExitCode::from(1);
            }
        };
        if let Err(e) = std::fs::write(&kubeconfig, handle.kubeconfig()) {
            eprintln!("error: {}: {e}", kubeconfig.display());
            return ExitCode::from(1);
        }
        let path = std::path::absolute(&kubeconfig).unwrap_or(kubeconfig);
        let scheme = if options.tls { "https" } else { "http" };
        eprintln!("rudder-testserver listening on {scheme}://{}", handle.addr());
        println!("{}", path.display());
        let (stop, stopped) = tokio::sync::oneshot::channel();
        tokio::spawn(async move {
            let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = async { match term.as_mut() { Some(t) => { t.recv().await; } None => std::future::pending().await } } => {}
            }
            let _ = stop.send(());
        });
        rudder_testserver::run(listener, handle, stopped).await;
        ExitCode::SUCCESS
    })
}
