//! The command line: `serve`, `demo`, `migrate`, `admin ...` and `openapi`.
use std::{path::PathBuf, process::ExitCode};

use clap::{Parser, Subcommand};
use switchboard_domain::{BusinessId, Language, Role};
use switchboard_store::{Store, businesses::NewBusiness};
use tokio_util::sync::CancellationToken;

use crate::{
    app::AppState,
    config::{Config, LogFormat},
    demo::DemoArgs,
    ops::telemetry,
    serve::{launch, shutdown_on_signals},
};

#[derive(Parser, Debug)]
#[command(
    name = "switchboard",
    version,
    about = "AI front desk, CRM and prepaid billing for small businesses",
    long_about = "Switchboard answers a business's customers on SMS, WhatsApp, Telegram and the phone, books appointments, keeps a CRM and bills usage from prepaid balances.\n\nConfiguration comes from built-in defaults, then the TOML file given with --config, then SWITCHBOARD_* environment variables (see .env.example)."
)]
pub struct Cli {
    /// A TOML configuration file (its keys are the SWITCHBOARD_* names, lower-case, without the prefix).
    #[arg(long, global = true, env = "SWITCHBOARD_CONFIG")]
    config: Option<PathBuf>,
    /// Log format (overrides SWITCHBOARD_LOG_FORMAT).
    #[arg(long, global = true, value_enum)]
    log_format: Option<LogFormat>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the server: HTTP API, webhooks and the job workers (migrates first). Needs SWITCHBOARD_MASTER_KEY.
    Serve,
    /// Run a ready-to-try demo: SQLite in a data folder, a demo salon (services, staff, hours, the rule-based agent, an `api` chat channel) and its owner, served on 127.0.0.1:8080 (or --listen / SWITCHBOARD_LISTEN). No API keys needed.
    Demo(DemoArgs),
    /// Apply the database migrations and exit.
    Migrate,
    /// Administer businesses, users and API keys from the command line.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Print the OpenAPI document (JSON) and exit.
    Openapi,
}

#[derive(Subcommand, Debug)]
enum AdminCommand {
    /// Create a business.
    CreateBusiness {
        #[arg(long)]
        name: String,
        /// Short URL-safe name (derived from the name when omitted).
        #[arg(long)]
        slug: Option<String>,
        /// IANA time zone, e.g. Europe/Moscow.
        #[arg(long, default_value = "UTC")]
        time_zone: String,
        /// en, ru or he.
        #[arg(long, default_value = "en")]
        language: String,
    },
    /// Create a staff user in a business (the password is read from SWITCHBOARD_NEW_PASSWORD or generated and printed).
    CreateUser {
        /// Business id or slug.
        #[arg(long)]
        business: String,
        #[arg(long)]
        email: String,
        /// owner, admin, agent, finance or operator.
        #[arg(long, default_value = "owner")]
        role: Role,
        #[arg(long, default_value = "")]
        name: String,
    },
    /// Create an API key for a business and print it (shown once).
    CreateApiKey {
        /// Business id or slug.
        #[arg(long)]
        business: String,
        #[arg(long, default_value = "cli")]
        name: String,
        #[arg(long, default_value = "admin")]
        role: Role,
    },
    /// List businesses, or the users and API keys of one business.
    List {
        /// Business id or slug: list its users and keys instead of all businesses.
        #[arg(long)]
        business: Option<String>,
    },
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    if let Command::Openapi = cli.command {
        println!("{}", crate::serve::openapi().to_pretty_json()?);
        return Ok(());
    }
    if let Command::Demo(args) = &cli.command {
        let mut config = Config::load(cli.config.as_deref())?;
        if let Some(f) = cli.log_format {
            config.log_format = f;
        }
        telemetry::init(config.log_format, &config.log_level);
        return crate::demo::run(config, args).await;
    }
    let mut config = Config::load(cli.config.as_deref())?;
    if let Some(f) = cli.log_format {
        config.log_format = f;
    }
    telemetry::init(config.log_format, &config.log_level);
    match cli.command {
        Command::Serve => serve(config).await,
        Command::Migrate => {
            let store = Store::connect(&config.database_url).await?;
            store.migrate().await?;
            println!("migrations applied ({:?})", store.backend());
            Ok(())
        }
        Command::Admin(cmd) => admin(config, cmd).await,
        Command::Demo(_) | Command::Openapi => Ok(()),
    }
}

/// Serves with `config` until SIGINT/SIGTERM. Refuses to start without a master key: a
/// throw-away key would seal credentials that no later start could open.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    if config.master_key.is_none() {
        anyhow::bail!(
            "SWITCHBOARD_MASTER_KEY is not set: channel credentials and model keys are sealed with it, so it must stay the same across restarts. Set it (and keep a copy somewhere safe), for example to this freshly generated key:\n\n  SWITCHBOARD_MASTER_KEY={}\n\n(`switchboard demo` keeps one in its data folder instead)",
            switchboard_store::crypto::SecretBox::generate_key_spec()
        );
    }
    if config.public_url_derived {
        tracing::warn!(
            public_url = %config.public_url,
            "SWITCHBOARD_PUBLIC_URL is not set: webhook URLs use the listen address, which providers cannot reach; set it to this server's public https URL"
        );
    }
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    let (addr, shown) = (listener.local_addr()?, format!("{config:?}"));
    let state = AppState::new(config).await?;
    // Only once the database is open and migrated, so a start that fails never claimed to run.
    tracing::info!(%addr, config = %shown, "switchboard listening");
    let token = CancellationToken::new();
    shutdown_on_signals(token.clone());
    launch(listener, state, token).await
}

async fn find_business(
    store: &Store,
    key: &str,
) -> anyhow::Result<switchboard_store::businesses::Business> {
    if let Ok(id) = key.parse::<BusinessId>() {
        return Ok(store.get_business(id).await?);
    }
    store
        .get_business_by_slug(key)
        .await
        .map_err(|_| anyhow::anyhow!("no business with id or slug `{key}`"))
}

async fn admin(config: Config, cmd: AdminCommand) -> anyhow::Result<()> {
    let store = Store::connect(&config.database_url).await?;
    store.migrate().await?;
    match cmd {
        AdminCommand::CreateBusiness {
            name,
            slug,
            time_zone,
            language,
        } => {
            let tz = switchboard_domain::validate::time_zone(&time_zone)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let language = Language::parse(&language)
                .ok_or_else(|| anyhow::anyhow!("language is en, ru or he"))?;
            let b = store
                .create_business(NewBusiness {
                    slug: slug.unwrap_or_else(|| switchboard_domain::validate::slugify(&name)),
                    name,
                    time_zone: tz,
                    default_language: language,
                    features: Default::default(),
                })
                .await?;
            println!("{}\t{}\t{}", b.id, b.slug, b.name);
        }
        AdminCommand::CreateUser {
            business,
            email,
            role,
            name,
        } => {
            let b = find_business(&store, &business).await?;
            switchboard_domain::validate::email(&email)?;
            let (password, generated) = match std::env::var("SWITCHBOARD_NEW_PASSWORD") {
                Ok(p) if !p.is_empty() => (p, false),
                _ => (switchboard_store::crypto::random_token(12), true),
            };
            switchboard_domain::validate::password(&password)?;
            let u = store
                .tenant(b.id)
                .create_user(&email, &name, &password, role)
                .await?;
            println!("{}\t{}\t{}", u.id, u.email, u.role);
            if generated {
                println!("password: {password}");
            }
        }
        AdminCommand::CreateApiKey {
            business,
            name,
            role,
        } => {
            let b = find_business(&store, &business).await?;
            let (k, secret) = store.tenant(b.id).create_api_key(&name, role).await?;
            println!("{}\t{}\t{}", k.id, k.prefix, k.role);
            println!("key: {secret}");
        }
        AdminCommand::List { business: None } => {
            for b in store.list_businesses(None, 10_000).await? {
                println!("{}\t{}\t{}\t{}", b.id, b.slug, b.time_zone, b.name);
            }
        }
        AdminCommand::List {
            business: Some(key),
        } => {
            let b = find_business(&store, &key).await?;
            let t = store.tenant(b.id);
            println!("users:");
            for u in t.list_users().await? {
                println!("  {}\t{}\t{}\tactive={}", u.id, u.email, u.role, u.active);
            }
            println!("api keys:");
            for k in t.list_api_keys().await? {
                println!(
                    "  {}\t{}\t{}\t{}{}",
                    k.id,
                    k.prefix,
                    k.role,
                    k.name,
                    if k.revoked_at.is_some() {
                        "\t(revoked)"
                    } else {
                        ""
                    }
                );
            }
        }
    }
    store.close().await;
    Ok(())
}
