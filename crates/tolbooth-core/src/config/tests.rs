use super::*;

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn load_str(toml_text: &str, vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("tolbooth.toml");
    std::fs::write(&p, toml_text).unwrap();
    Config::load(Some(&p), env(vars))
}

#[test]
fn trusted_proxies_come_from_a_list_and_bad_entries_are_named() {
    let c = Config::load(
        None,
        env(&[("TOLBOOTH_SERVER__TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1")]),
    )
    .unwrap();
    let proxies = c.trusted_proxies();
    assert!(proxies.trusts("10.1.2.3".parse().unwrap()));
    assert!(!proxies.trusts("192.0.2.1".parse().unwrap()));
    let err = Config::load(
        None,
        env(&[(
            "TOLBOOTH_SERVER__TRUSTED_PROXIES",
            "10.0.0.0/8, proxy.example",
        )]),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("server.trusted_proxies"), "{err}");
    assert!(err.contains("proxy.example"), "{err}");
    assert!(err.contains("TOLBOOTH_SERVER__TRUSTED_PROXIES"), "{err}");
}

#[test]
fn site_origins_are_scheme_and_host_only() {
    let c = load_str(
        "[chat]\nsite_origins = \"https://www.Example.gov.uk/, http://localhost:3000\"\n",
        &[],
    )
    .unwrap();
    assert_eq!(
        c.site_origins(),
        vec!["https://www.example.gov.uk", "http://localhost:3000"]
    );
    let err = load_str(
        "[chat]\nsite_origins = \"https://www.example.gov.uk/contact\"\n",
        &[],
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("chat.site_origins"), "{err}");
    assert!(err.contains("no path"), "{err}");
    let err = load_str("[chat]\nidle_minutes = 0\n", &[])
        .unwrap_err()
        .to_string();
    assert!(err.contains("chat.idle_minutes"), "{err}");
    let err = load_str("[chat]\nopening_hours = \"Mon-Fri 9-5\"\n", &[])
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("chat.opening_hours") && err.contains("HH:MM"),
        "{err}"
    );
    let err = Config::load(
        None,
        env(&[
            ("TOLBOOTH_CHAT__OPENING_HOURS", "Mon 09:00-17:00"),
            ("TOLBOOTH_CHAT__TIME_ZONE", "Scotland"),
        ]),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("chat.time_zone") && err.contains("Europe/London"),
        "{err}"
    );
}

#[test]
fn defaults_need_no_file() {
    let c = Config::load(None, env(&[])).unwrap();
    assert_eq!(c.server.listen, "127.0.0.1:8080");
    assert_eq!(c.trusted_proxies(), TrustedProxies::default());
    assert!(c
        .effective_database_url()
        .expose()
        .starts_with("sqlite://tolbooth-data/"));
}

#[test]
fn environment_overrides_the_file() {
    let c = load_str(
        "[server]\nlisten = \"0.0.0.0:80\"\n",
        &[
            ("TOLBOOTH_SERVER__LISTEN", "127.0.0.1:9000"),
            ("TOLBOOTH_DATA_DIR", "/srv/tb"),
        ],
    )
    .unwrap();
    assert_eq!(c.server.listen, "127.0.0.1:9000");
    assert_eq!(c.data_dir, PathBuf::from("/srv/tb"));
}

#[test]
fn a_bad_value_names_key_value_and_expectation() {
    let e = load_str("[sessions]\nidle_minutes = \"soon\"\n", &[])
        .unwrap_err()
        .to_string();
    assert!(e.contains("sessions.idle_minutes"), "{e}");
    assert!(e.contains("soon"), "{e}");
    assert!(e.contains("expected"), "{e}");
    assert!(!e.contains('\n'));
}

#[test]
fn a_bad_environment_value_names_the_variable() {
    let e = Config::load(None, env(&[("TOLBOOTH_SERVER__LISTEN", "nowhere")]))
        .unwrap_err()
        .to_string();
    assert!(e.contains("server.listen"), "{e}");
    assert!(e.contains("TOLBOOTH_SERVER__LISTEN"), "{e}");
    assert!(e.contains("\"nowhere\""), "{e}");
}

#[test]
fn unknown_keys_are_refused() {
    let e = load_str("[server]\nlisten_port = 80\n", &[])
        .unwrap_err()
        .to_string();
    assert!(e.contains("server.listen_port"), "{e}");
    let e = Config::load(None, env(&[("TOLBOOTH_COLOUR", "blue")]))
        .unwrap_err()
        .to_string();
    assert!(e.contains("colour") && e.contains("TOLBOOTH_COLOUR"), "{e}");
}

#[test]
fn out_of_range_numbers_are_refused() {
    let e = load_str("[login]\nmax_failures = 0\n", &[])
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("login.max_failures") && e.contains("from 1 to 100"),
        "{e}"
    );
}

#[test]
fn database_passwords_never_appear_in_errors_or_dumps() {
    let e = Config::load(
        None,
        env(&[("TOLBOOTH_DATABASE_URL", "mysql://u:s3cret@h/db")]),
    )
    .unwrap_err()
    .to_string();
    assert!(!e.contains("s3cret"), "{e}");
    let c = Config::load(
        None,
        env(&[("TOLBOOTH_DATABASE_URL", "postgres://u:s3cret@h/db")]),
    )
    .unwrap();
    assert!(!c.to_redacted_toml().contains("s3cret"));
    assert!(!format!("{c:?}").contains("s3cret"));
}

/// docs/configuration.md documents every key the code knows.
#[test]
fn every_key_is_documented() {
    let docs = include_str!("../../../../docs/configuration.md");
    let mut c = Config::default();
    c.server.tls = Some(TlsConfig {
        certificate: "c".into(),
        private_key: "k".into(),
    });
    c.server.public_url = Some("https://x".into());
    c.database_url = Some(Secret::from("sqlite://x"));
    let table: toml::Table = toml::from_str(&c.to_redacted_toml()).unwrap();
    fn walk(prefix: &str, t: &toml::Table, out: &mut Vec<String>) {
        for (k, v) in t {
            let key = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            match v {
                toml::Value::Table(inner) => walk(&key, inner, out),
                _ => out.push(key),
            }
        }
    }
    let mut keys = Vec::new();
    walk("", &table, &mut keys);
    assert!(keys.len() > 15);
    for key in keys {
        assert!(
            docs.contains(&format!("| `{key}` |")),
            "docs/configuration.md lacks {key}"
        );
    }
}

#[test]
fn syntax_errors_are_one_line() {
    let e = load_str("[server\nlisten=", &[]).unwrap_err().to_string();
    assert!(e.contains("not valid TOML") && !e.contains('\n'), "{e}");
}
