//! `switchboard demo`: a ready-to-try instance on a fresh machine. Keeps everything in one data
//! folder (SQLite database, generated master key and admin token, the demo credentials), seeds a
//! demo business with an owner and an API key on first start, prints how to sign in, and serves.
use std::path::Path;

use chrono::Weekday;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use switchboard_domain::{
    ChannelId, Language, Role, ServiceId, StaffId,
    booking::{Service, Staff},
    calendar::{OpenInterval, WeeklyHours},
    message::ChannelKind,
};
use switchboard_store::{Store, businesses::NewBusiness, crypto, messaging::NewChannel};
use tokio_util::sync::CancellationToken;

use crate::{
    agent::config::AgentSettings,
    app::AppState,
    config::Config,
    serve::{launch, shutdown_on_signals},
};
use switchboard_messaging::Credentials;

/// `switchboard demo`'s options.
#[derive(clap::Args, Debug)]
pub struct DemoArgs {
    /// Folder for the demo's database, master key and credentials (created if missing).
    #[arg(long, default_value = "switchboard-data")]
    pub data_dir: std::path::PathBuf,
    /// Address to serve on (default: SWITCHBOARD_LISTEN, else 127.0.0.1:8080).
    #[arg(long)]
    pub listen: Option<std::net::SocketAddr>,
}

pub const DEMO_SLUG: &str = "demo";
pub const DEMO_OWNER_EMAIL: &str = "owner@demo.switchboard.local";

#[derive(Serialize, Deserialize)]
pub struct DemoCredentials {
    pub business_id: String,
    pub owner_email: String,
    pub owner_password: String,
    pub api_key: String,
    pub admin_token: String,
    /// The `api` channel to chat with the agent through (looked up on every start).
    #[serde(default)]
    pub api_channel_id: String,
}

fn read_or_create(path: &Path, make: impl FnOnce() -> String) -> anyhow::Result<String> {
    if let Ok(s) = std::fs::read_to_string(path) {
        let s = s.trim().to_string();
        if !s.is_empty() {
            return Ok(s);
        }
    }
    let value = make();
    write_private(path, &value)?;
    Ok(value)
}

fn write_private(path: &Path, contents: &str) -> anyhow::Result<()> {
    std::fs::write(path, contents)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

/// Prepares the data folder and configuration (without serving).
pub async fn prepare(
    mut config: Config,
    args: &DemoArgs,
) -> anyhow::Result<(Config, DemoCredentials)> {
    if !args.data_dir.exists() {
        switchboard_store::create_private_dir(&args.data_dir)?;
    }
    let dir = args.data_dir.canonicalize()?;
    if config.master_key.is_none() {
        let key = read_or_create(
            &dir.join("master.key"),
            crypto::SecretBox::generate_key_spec,
        )?;
        config.master_key = Some(SecretString::from(key));
    }
    if config.admin_token.is_none() {
        let token = read_or_create(&dir.join("admin.token"), || {
            format!("adm_{}", crypto::random_token(24))
        })?;
        config.admin_token = Some(SecretString::from(token));
    }
    if std::env::var_os("SWITCHBOARD_DATABASE_URL").is_none() {
        config.database_url = format!("sqlite:{}", dir.join("switchboard.db").display());
    }
    if let Some(listen) = args.listen {
        config.listen = listen;
    }
    if config.public_url_derived {
        config.public_url = crate::config_keys::url_for_listen(config.listen);
    }
    let store = Store::connect(&config.database_url).await?;
    store.migrate().await?;
    let creds_path = dir.join("demo-credentials.json");
    let mut creds = match std::fs::read_to_string(&creds_path)
        .ok()
        .and_then(|s| serde_json::from_str::<DemoCredentials>(&s).ok())
    {
        Some(c) if store.get_business_by_slug(DEMO_SLUG).await.is_ok() => c,
        _ => {
            let c = seed(
                &store,
                config.admin_token.as_ref(),
                config.master_key.as_ref().map(|k| k.expose_secret()),
            )
            .await?;
            write_private(&creds_path, &serde_json::to_string_pretty(&c)?)?;
            c
        }
    };
    if let Ok(id) = creds.business_id.parse() {
        creds.api_channel_id = store
            .tenant(id)
            .list_channels()
            .await?
            .into_iter()
            .find(|c| c.kind == ChannelKind::Api.as_str())
            .map(|c| c.id.to_string())
            .unwrap_or_default();
    }
    store.close().await;
    Ok((config, creds))
}

async fn seed(
    store: &Store,
    admin: Option<&SecretString>,
    config_key: Option<&str>,
) -> anyhow::Result<DemoCredentials> {
    let business = match store.get_business_by_slug(DEMO_SLUG).await {
        Ok(b) => b,
        Err(_) => {
            store
                .create_business(NewBusiness {
                    name: "Demo Salon".into(),
                    slug: DEMO_SLUG.into(),
                    time_zone: "America/New_York".into(),
                    default_language: Language::En,
                    features: Default::default(),
                })
                .await?
        }
    };
    // A second tenant, so isolation can be tried: the demo key must not see it.
    if store.get_business_by_slug("sample-clinic").await.is_err() {
        store
            .create_business(NewBusiness {
                name: "Sample Clinic".into(),
                slug: "sample-clinic".into(),
                time_zone: "Asia/Jerusalem".into(),
                default_language: Language::He,
                features: Default::default(),
            })
            .await?;
    }
    let tenant = store.tenant(business.id);
    let password = crypto::random_token(12);
    match tenant
        .list_users()
        .await?
        .into_iter()
        .find(|u| u.email == DEMO_OWNER_EMAIL)
    {
        Some(u) => {
            tenant
                .update_user(u.id, None, Some(true), Some(&password))
                .await?;
        }
        None => {
            tenant
                .create_user(DEMO_OWNER_EMAIL, "Demo Owner", &password, Role::Owner)
                .await?;
        }
    }
    let secrets = crypto::SecretBox::from_config(
        config_key.ok_or_else(|| anyhow::anyhow!("the demo needs a master key"))?,
    )?;
    seed_salon(&tenant, &secrets).await?;
    let (_, api_key) = tenant.create_api_key("demo", Role::Owner).await?;
    Ok(DemoCredentials {
        business_id: business.id.to_string(),
        owner_email: DEMO_OWNER_EMAIL.into(),
        owner_password: password,
        api_key,
        admin_token: admin
            .map(|a| a.expose_secret().to_string())
            .unwrap_or_default(),
        api_channel_id: String::new(),
    })
}

/// The demo salon's calendar and agent: three services named in English, Russian and Hebrew,
/// two stylists with different hours, the rule-based agent (no API key needed) and an `api`
/// channel to chat with it through `POST /api/v1/messages/inbound`. Runs once per database.
async fn seed_salon(
    tenant: &switchboard_store::TenantStore,
    secrets: &crypto::SecretBox,
) -> anyhow::Result<()> {
    if !tenant.list_services(true).await?.is_empty() {
        return Ok(());
    }
    let service = |en: &str, ru: &str, he: &str, duration_min: u32, price_minor: i64| Service {
        id: ServiceId::new(),
        names: [("en", en), ("ru", ru), ("he", he)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        aliases: Vec::new(),
        description: String::new(),
        duration_min,
        price_minor,
        currency: "USD".into(),
        buffer_before_min: 0,
        buffer_after_min: 10,
        lead_time_min: 60,
        step_min: Some(30),
        active: true,
        created_at: 0,
        updated_at: 0,
    };
    let haircut = tenant
        .save_service(&service("Haircut", "Стрижка", "תספורת", 45, 4000))
        .await?;
    let colour = tenant
        .save_service(&service("Hair colouring", "Окрашивание", "צביעה", 90, 9500))
        .await?;
    let manicure = tenant
        .save_service(&service("Manicure", "Маникюр", "מניקור", 30, 2500))
        .await?;
    let hours = |days: &[Weekday], start: &str, end: &str| -> anyhow::Result<WeeklyHours> {
        Ok(WeeklyHours::on(days, &[OpenInterval::parse(start, end)?]))
    };
    use Weekday::*;
    for (name, hours, services) in [
        (
            "Anna",
            hours(&[Tue, Wed, Thu, Fri, Sat], "10:00", "19:00")?,
            vec![haircut.id, colour.id, manicure.id],
        ),
        (
            "Maria",
            hours(&[Mon, Tue, Wed, Thu, Fri], "09:00", "17:00")?,
            vec![haircut.id, manicure.id],
        ),
    ] {
        tenant
            .save_staff(&Staff {
                id: StaffId::new(),
                name: name.into(),
                hours,
                service_ids: services,
                active: true,
                created_at: 0,
                updated_at: 0,
            })
            .await?;
    }
    let settings = AgentSettings {
        persona: Some("Sam, the salon's front desk".into()),
        address: Some("12 Example Street, Springfield".into()),
        ..AgentSettings::default()
    };
    tenant
        .put_agent_config(&serde_json::to_value(&settings)?, None)
        .await?;
    let id = ChannelId::new();
    tenant
        .create_channel(NewChannel {
            id,
            kind: ChannelKind::Api,
            name: "Demo web chat".into(),
            address: String::new(),
            credentials: Credentials::default().seal(secrets, id)?,
            api_base: None,
            settings: serde_json::json!({}),
        })
        .await?;
    Ok(())
}

pub async fn run(config: Config, args: &DemoArgs) -> anyhow::Result<()> {
    let (config, creds) = prepare(config, args).await?;
    let base = config.public_base().to_string();
    let key = &creds.api_key;
    println!(
        "\nSwitchboard demo is running at {base}\n\n  data folder   {}\n  business id   {}\n  sign in       {} / {}\n  API key       {key}\n  admin token   {}\n  api channel   {channel}\n\n  try:  curl -H 'Authorization: Bearer {key}' {base}/api/v1/businesses/{}\n  chat: curl -H 'Authorization: Bearer {key}' -H 'Content-Type: application/json' \\\n          -d '{{\"channel_id\":\"{channel}\",\"message_id\":\"m1\",\"from\":\"+15555550100\",\"text\":\"Hi, a haircut tomorrow?\"}}' \\\n          {base}/api/v1/messages/inbound\n        the reply takes a moment: read it at {base}/api/v1/conversations/<conversation_id>\n  docs: {base}/api/docs\n",
        args.data_dir.display(),
        creds.business_id,
        creds.owner_email,
        creds.owner_password,
        creds.admin_token,
        creds.business_id,
        channel = creds.api_channel_id,
    );
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    let state = AppState::new(config).await?;
    let token = CancellationToken::new();
    shutdown_on_signals(token.clone());
    launch(listener, state, token).await
}
