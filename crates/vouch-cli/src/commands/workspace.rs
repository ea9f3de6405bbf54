//! `vouch workspace set-time-zone`.

use crate::outln;
use jiff::tz::TimeZone;
use vouch_store::{Store, Workspace};

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
