//! `vouch workspace set-time-zone`, `set-brand` and `show`.

use crate::outln;
use jiff::tz::TimeZone;
use vouch_core::brand::{BrandError, brand_color, brand_name, logo_url};
use vouch_store::{Brand, Store, Workspace};

use crate::bad_input;

/// Sets the time zone reports bucket periods in.
pub async fn set_time_zone(
    store: &dyn Store,
    workspace: &Workspace,
    time_zone: &str,
) -> anyhow::Result<()> {
    if TimeZone::get(time_zone).is_err() {
        bad_input!("{time_zone:?} is not an IANA time zone (for example Europe/Paris)");
    }
    store
        .set_workspace_time_zone(workspace.id, time_zone)
        .await?;
    outln!("workspace {:?} now reports in {time_zone}", workspace.slug);
    Ok(())
}

/// The flags of `vouch workspace set-brand`: `None` keeps a field, `Some("")` clears it.
pub struct BrandFlags<'a> {
    /// `--name`.
    pub name: Option<&'a str>,
    /// `--color`.
    pub color: Option<&'a str>,
    /// `--logo-url`.
    pub logo_url: Option<&'a str>,
}

/// Sets the brand respondents see, each given field checked by the core's brand rules.
pub async fn set_brand(
    store: &dyn Store,
    workspace: &Workspace,
    given: BrandFlags<'_>,
) -> anyhow::Result<()> {
    fn field(
        flag: &str,
        given: Option<&str>,
        current: &Option<String>,
        check: fn(&str) -> Result<Option<String>, BrandError>,
    ) -> anyhow::Result<Option<String>> {
        match given {
            None => Ok(current.clone()),
            Some(text) => match check(text) {
                Ok(value) => Ok(value),
                Err(error) => bad_input!("{flag}: {error}"),
            },
        }
    }
    let current = &workspace.brand;
    let brand = Brand {
        name: field("--name", given.name, &current.name, brand_name)?,
        color: field("--color", given.color, &current.color, brand_color)?,
        logo_url: field("--logo-url", given.logo_url, &current.logo_url, logo_url)?,
    };
    store.set_workspace_brand(workspace.id, &brand).await?;
    outln!(
        "workspace {:?} now shows respondents {}",
        workspace.slug,
        brand
            .name
            .as_deref()
            .map_or_else(|| "no name (\"us\")".to_owned(), |name| format!("{name:?}"))
    );
    Ok(())
}

/// Prints the workspace's slug, time zone and brand.
pub fn show(workspace: &Workspace, json: bool) -> anyhow::Result<()> {
    let brand = &workspace.brand;
    if json {
        let value = serde_json::json!({
            "slug": workspace.slug,
            "time_zone": workspace.time_zone,
            "brand": {
                "name": brand.name,
                "color": brand.color,
                "logo_url": brand.logo_url,
            },
        });
        outln!("{value:#}");
        return Ok(());
    }
    let unset = || "(none)".to_owned();
    outln!("slug        {}", workspace.slug);
    outln!("time zone   {}", workspace.time_zone);
    outln!("brand name  {}", brand.name.clone().unwrap_or_else(unset));
    outln!("brand color {}", brand.color.clone().unwrap_or_else(unset));
    outln!(
        "logo        {}",
        brand.logo_url.clone().unwrap_or_else(unset)
    );
    Ok(())
}
