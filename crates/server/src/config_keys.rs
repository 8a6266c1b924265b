//! Checks on the raw configuration before it becomes a [`Config`]: every key must be a known
//! setting (a typo must not be silently ignored), settings are flat (no TOML tables), and values
//! that fail to parse are reported with the setting's name and an example of a good value.
use std::{net::SocketAddr, path::Path};

use config::{Source, ValueKind};
use serde::de::{self, Deserialize, Deserializer, Visitor};

/// `SWITCHBOARD_*` variables read by the command line rather than the configuration.
const CLI_ONLY: &[&str] = &["config", "new_password"];

/// A deserializer that only records the field names a struct asks for, so the list of known
/// settings is always exactly the fields of the configuration struct (`Config`, passed as `C`).
struct FieldNames<'a>(&'a mut Vec<&'static str>);

impl<'de> Deserializer<'de> for FieldNames<'_> {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("field names only"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.extend_from_slice(fields);
        Err(de::Error::custom("field names only"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

/// The configuration keys (lower-case, as in the TOML file).
pub fn known_keys<C: for<'de> Deserialize<'de>>() -> Vec<&'static str> {
    let mut names = Vec::new();
    let _ = C::deserialize(FieldNames(&mut names));
    names
}

fn env_name(key: &str) -> String {
    format!("SWITCHBOARD_{}", key.to_uppercase())
}

fn known_list<C: for<'de> Deserialize<'de>>() -> String {
    known_keys::<C>().join(", ")
}

/// The `SWITCHBOARD_*` variables of `env` that are settings, keyed by their full names; an
/// unknown one is an error naming it.
pub fn settings_from_env<C: for<'de> Deserialize<'de>>(
    env: impl IntoIterator<Item = (String, String)>,
) -> anyhow::Result<config::Map<String, String>> {
    let known = known_keys::<C>();
    let mut out = config::Map::new();
    for (name, value) in env {
        let Some(rest) = name.strip_prefix("SWITCHBOARD_") else {
            continue;
        };
        let key = rest.to_lowercase();
        if CLI_ONLY.contains(&key.as_str()) {
            continue;
        }
        if !known.contains(&key.as_str()) {
            anyhow::bail!(
                "unknown setting {name} in the environment: check its spelling (known settings, as SWITCHBOARD_<NAME>: {}) or unset it",
                known_list::<C>()
            );
        }
        out.insert(name, value);
    }
    Ok(out)
}

/// Refuses a configuration file with unknown keys or nested tables, naming the key.
pub fn check_file<C: for<'de> Deserialize<'de>>(path: &Path) -> anyhow::Result<()> {
    let map = config::File::from(path)
        .format(config::FileFormat::Toml)
        .collect()
        .map_err(|e| {
            anyhow::anyhow!("cannot read the configuration file {}: {e}", path.display())
        })?;
    let known = known_keys::<C>();
    let mut keys: Vec<_> = map.into_iter().collect();
    keys.sort_by(|a, b| a.0.cmp(&b.0));
    for (key, value) in keys {
        if matches!(value.kind, ValueKind::Table(_)) {
            anyhow::bail!(
                "`[{key}]` in {} is a table, but settings are flat: write them at the top of the file, before any [section], e.g. `database_url = \"sqlite:switchboard.db\"` (known settings: {})",
                path.display(),
                known_list::<C>()
            );
        }
        if !known.contains(&key.as_str()) {
            anyhow::bail!(
                "unknown setting `{key}` in {}: check its spelling or remove it (known settings: {})",
                path.display(),
                known_list::<C>()
            );
        }
    }
    Ok(())
}

/// Values whose parse errors would otherwise not say what to write instead.
pub fn check_values(built: &config::Config) -> anyhow::Result<()> {
    if let Ok(listen) = built.get_string("listen")
        && listen.parse::<SocketAddr>().is_err()
    {
        let port = listen.rsplit_once(':').map(|(_, p)| p).unwrap_or("8080");
        anyhow::bail!(
            "{} (listen) `{listen}` is not an IP address and port: write 127.0.0.1:{port} (this machine only) or 0.0.0.0:{port} (every interface); host names such as localhost are not accepted",
            env_name("listen")
        );
    }
    if let Ok(format) = built.get_string("log_format")
        && !matches!(format.to_lowercase().as_str(), "pretty" | "json")
    {
        anyhow::bail!(
            "{} (log_format) `{format}` is not a log format: use `pretty` (for people) or `json` (for log collectors)",
            env_name("log_format")
        );
    }
    Ok(())
}

/// Turns a value of the wrong type (`body_limit = "abc"`) into an error that names the
/// setting as an operator writes it, with what to write instead.
pub fn named_type_error<C: for<'de> Deserialize<'de>>(e: config::ConfigError) -> anyhow::Error {
    let text = e.to_string();
    let key = text
        .split_once("for key `")
        .and_then(|(_, rest)| rest.split_once('`'))
        .map(|(k, _)| k.trim_start_matches("switchboard_").to_string());
    let Some(key) = key.filter(|k| known_keys::<C>().contains(&k.as_str())) else {
        return anyhow::anyhow!("configuration: {text}");
    };
    let fix = if text.contains("expected a boolean") {
        "write true or false"
    } else if text.contains("integer") {
        "write a whole number, e.g. the default from .env.example"
    } else {
        "see .env.example for the form it takes"
    };
    anyhow::anyhow!(
        "{} ({key}) has a value of the wrong type ({text}): {fix}",
        env_name(&key)
    )
}

/// The public URL to assume when none is configured: the listen address, with a wildcard
/// address replaced by loopback (a URL cannot name "every interface").
pub fn url_for_listen(listen: SocketAddr) -> String {
    let mut addr = listen;
    if addr.ip().is_unspecified() {
        addr.set_ip(if addr.is_ipv4() {
            std::net::Ipv4Addr::LOCALHOST.into()
        } else {
            std::net::Ipv6Addr::LOCALHOST.into()
        });
    }
    format!("http://{addr}")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::config::Config;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn with_file(toml: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("switchboard.toml");
        std::fs::write(&path, toml).unwrap();
        (dir, path)
    }

    fn load_err(file: Option<&Path>, vars: &[(&str, &str)]) -> String {
        format!("{:#}", Config::load_from(file, env(vars)).unwrap_err())
    }

    #[test]
    fn known_keys_are_the_config_fields() {
        let keys = known_keys::<Config>();
        for k in [
            "database_url",
            "listen",
            "public_url",
            "master_key",
            "log_level",
        ] {
            assert!(keys.contains(&k), "{k} in {keys:?}");
        }
        assert!(!keys.contains(&"public_url_derived"));
    }

    #[test]
    fn defaults_load_with_an_empty_environment() {
        let c = Config::load_from(None, env(&[("HOME", "/root")])).unwrap();
        assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
    }

    #[test]
    fn an_unknown_key_in_the_file_is_named() {
        let (_d, path) = with_file("databse_url = \"sqlite:x.db\"\n");
        let e = load_err(Some(&path), &[]);
        assert!(e.contains("unknown setting `databse_url`"), "{e}");
        assert!(
            e.contains("database_url"),
            "the known names are listed: {e}"
        );
    }

    #[test]
    fn an_unknown_switchboard_variable_is_named() {
        let e = load_err(None, &[("SWITCHBOARD_LISTEN_ADDR", "127.0.0.1:9000")]);
        assert!(e.contains("SWITCHBOARD_LISTEN_ADDR"), "{e}");
    }

    #[test]
    fn command_line_variables_are_not_settings() {
        Config::load_from(
            None,
            env(&[
                ("SWITCHBOARD_CONFIG", "/nonexistent.toml"),
                ("SWITCHBOARD_NEW_PASSWORD", "a-password-123"),
            ]),
        )
        .unwrap();
    }

    #[test]
    fn a_nested_table_in_the_file_is_named_with_the_fix() {
        let (_d, path) = with_file("[database]\nurl = \"sqlite:x.db\"\n");
        let e = load_err(Some(&path), &[]);
        assert!(e.contains("`[database]`"), "{e}");
        assert!(e.contains("flat"), "{e}");
    }

    #[test]
    fn a_bad_log_filter_is_named_with_an_example() {
        let e = load_err(None, &[("SWITCHBOARD_LOG_LEVEL", "switchboard=loud")]);
        assert!(e.contains("SWITCHBOARD_LOG_LEVEL"), "{e}");
        assert!(e.contains("switchboard=debug"), "{e}");
    }

    #[test]
    fn a_bad_log_format_is_named_with_the_choices() {
        let (_d, path) = with_file("log_format = \"text\"\n");
        let e = load_err(Some(&path), &[]);
        assert!(e.contains("log_format") && e.contains("`text`"), "{e}");
        assert!(e.contains("pretty") && e.contains("json"), "{e}");
    }

    #[test]
    fn localhost_as_listen_address_is_named_with_the_fix() {
        let e = load_err(None, &[("SWITCHBOARD_LISTEN", "localhost:8080")]);
        assert!(e.contains("SWITCHBOARD_LISTEN"), "{e}");
        assert!(e.contains("127.0.0.1:8080"), "{e}");
    }

    #[test]
    fn an_unset_public_url_is_derived_from_the_listen_address() {
        let c = Config::load_from(None, env(&[("SWITCHBOARD_LISTEN", "0.0.0.0:9090")])).unwrap();
        assert_eq!(c.public_url, "http://127.0.0.1:9090");
        assert!(c.public_url_derived);
        let c = Config::load_from(
            None,
            env(&[("SWITCHBOARD_PUBLIC_URL", "https://desk.example.com")]),
        )
        .unwrap();
        assert_eq!(c.public_url, "https://desk.example.com");
        assert!(!c.public_url_derived);
    }

    #[test]
    fn a_number_that_is_not_a_number_is_named_as_the_variable() {
        let e = load_err(None, &[("SWITCHBOARD_BODY_LIMIT", "abc")]);
        assert!(e.contains("SWITCHBOARD_BODY_LIMIT"), "{e}");
        assert!(e.contains("whole number"), "{e}");
        let (_d, path) = with_file("run_workers = \"sometimes\"\n");
        let e = load_err(Some(&path), &[]);
        assert!(e.contains("SWITCHBOARD_RUN_WORKERS"), "{e}");
        assert!(e.contains("true or false"), "{e}");
    }

    #[test]
    fn an_unreadable_master_key_is_named_with_a_fresh_one() {
        let e = load_err(None, &[("SWITCHBOARD_MASTER_KEY", "k1:not-a-key")]);
        assert!(e.contains("SWITCHBOARD_MASTER_KEY"), "{e}");
        assert!(
            e.contains("SWITCHBOARD_MASTER_KEY=k1:"),
            "a key to use: {e}"
        );
        assert!(!e.contains("not-a-key"), "the secret is not echoed: {e}");
    }
}
