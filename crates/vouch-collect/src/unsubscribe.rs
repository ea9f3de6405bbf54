//! `/u/{token}`: unsubscribe from a workspace's survey emails, honoured forever.
//!
//! The token is signed for [`Purpose::Unsubscribe`] over the invitation id of the email that
//! carried it. `GET` only asks (mail scanners follow links); `POST` suppresses the contact's
//! address. The `POST` is also the RFC 8058 one-click target of the email's
//! `List-Unsubscribe` header (body `List-Unsubscribe=One-Click`): any body is accepted. The
//! link keeps working after the invitation expires and after the survey is archived.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use jiff::Timestamp;
use vouch_core::language::{Language, fill_brand, strings};
use vouch_core::token::Purpose;
use vouch_store::SuppressionReason;

use super::Collect;
use super::answer::{Invited, first_language};
use super::page::{PageError, UnsubscribePage, render};

/// `GET /u/{token}`: the question and its button.
pub(crate) async fn confirm(
    State(collect): State<Collect>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Response {
    let mut lang = first_language(&headers);
    let result = async {
        let invited =
            Invited::open(&collect, Purpose::Unsubscribe, &token, &headers, &mut lang).await?;
        let texts = strings(invited.lang);
        let page = UnsubscribePage {
            frame: frame(&invited, texts.unsubscribe_button),
            heading: fill_brand(texts.unsubscribe_question, &invited.brand),
            action: token.clone(),
            button: Some(texts.unsubscribe_button),
        };
        Ok::<_, PageError>(render(&page, StatusCode::OK))
    }
    .await;
    result.unwrap_or_else(|error| error.reply(lang, false))
}

/// `POST /u/{token}`: suppresses the address and says so.
pub(crate) async fn submit(
    State(collect): State<Collect>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Response {
    let mut lang: Language = first_language(&headers);
    let result = async {
        let invited =
            Invited::open(&collect, Purpose::Unsubscribe, &token, &headers, &mut lang).await?;
        // A contact without an address receives no email: there is nothing to suppress.
        if let Some(email) = &invited.contact.email {
            collect
                .store()
                .suppress_email(
                    invited.invitation.workspace,
                    email,
                    SuppressionReason::Unsubscribed,
                    Timestamp::now(),
                )
                .await?;
        }
        let texts = strings(invited.lang);
        let heading = fill_brand(texts.unsubscribe_done, &invited.brand);
        let page = UnsubscribePage {
            frame: frame(&invited, &heading),
            heading,
            action: token.clone(),
            button: None,
        };
        Ok::<_, PageError>(render(&page, StatusCode::OK))
    }
    .await;
    result.unwrap_or_else(|error| error.reply(lang, false))
}

fn frame(invited: &Invited, title: &str) -> super::page::Frame {
    super::page::Frame::survey(&invited.look, invited.lang, title)
}
