//! What customers write, by theme and tone. Slots in braces (`{feature}`) are filled at
//! random from [`slot_values`], so the same sentence rarely comes out twice the same way.
//!
//! Each theme keeps a consistent vocabulary (its `keywords`), the way real feedback does, so
//! keyword rules and theme discovery find something to work with.

use crate::comment::Phrases;

pub(crate) const PRICING: Phrases = Phrases {
    positive: &[
        "Great value for the money.",
        "Fairly priced compared to {competitor}.",
        "Worth every penny for {team}.",
        "The free plan is generous and upgrading was an easy decision.",
        "Transparent pricing, no surprises on the invoice.",
        "Pays for itself within a month.",
    ],
    negative: &[
        "Too expensive for what we actually use.",
        "Per-seat pricing punishes us for growing the team.",
        "We pay more than we did for {competitor} and get less.",
        "Hard to justify the cost to {team}.",
        "The jump from the starter plan to pro is far too steep.",
        "Billing is confusing and we were charged for seats we had removed.",
        "Cost is the only reason we are looking at {competitor}.",
    ],
    suggestion: &[
        "A cheaper plan for small teams would help.",
        "Would love annual billing with a proper discount.",
        "The price is a bit high for a team our size.",
        "Pricing per seat doesn't fit how we use it, usage-based billing would be fairer.",
    ],
    keywords: &[
        "price",
        "priced",
        "pricing",
        "overpriced",
        "expensive",
        "cheaper",
        "cost",
        "pay",
        "pays",
        "money",
        "penny",
        "bill",
        "billing",
        "invoice",
        "renewal",
        "discount",
        "plan",
    ],
};

/// Pricing once the price increase halfway through has landed.
pub(crate) const PRICE_INCREASE: Phrases = Phrases {
    positive: PRICING.positive,
    negative: &[
        "The new pricing is a joke. Our bill went up almost 40% overnight.",
        "The price increase came with no warning and no new value.",
        "Way overpriced since the last pricing change.",
        "Pricing keeps going up and the product stays the same.",
        "Our renewal quote doubled. Not acceptable.",
        "The new plan took away features we were already paying for.",
        "Too expensive for what we actually use.",
        "Per-seat pricing punishes us for growing the team.",
        "Cost is the only reason we are looking at {competitor}.",
    ],
    suggestion: &[
        "Please bring back the old pricing for existing customers.",
        "Existing customers should keep their old price for a year.",
        "A cheaper plan for small teams would help.",
        "The new price is a bit high for a team our size.",
    ],
    keywords: PRICING.keywords,
};

pub(crate) const SUPPORT: Phrases = Phrases {
    positive: &[
        "Support is amazing, {agent} solved our issue in minutes.",
        "Shout-out to {agent} from support, who went above and beyond.",
        "Fast, friendly support every single time.",
        "The support team actually understands analytics, not just the product.",
        "Best customer support of any tool we use.",
        "Our customer success manager is proactive and genuinely helpful.",
        "Whenever we get stuck, support replies within the hour.",
    ],
    negative: &[
        "Support takes {wait} to answer a simple question.",
        "Opened a ticket {wait} ago and still no reply.",
        "Support keeps sending canned answers that don't address the problem.",
        "Getting help is impossible unless you're on an enterprise plan.",
        "Our account manager changed three times this year and nobody knows our setup.",
        "The support team closed my ticket without fixing anything.",
        "Chat support is a bot that never understands the question.",
        "Every support request ends with 'it's on the roadmap'.",
    ],
    suggestion: &[
        "Support is friendly but slow, replies take {wait}.",
        "Phone support for urgent issues would be great.",
        "Support hours that cover Europe and Asia would help.",
        "A dedicated support contact for larger accounts would be nice.",
    ],
    keywords: &[
        "support", "ticket", "reply", "replies", "help", "helpful", "manager", "success",
    ],
};

pub(crate) const ONBOARDING: Phrases = Phrases {
    positive: &[
        "Onboarding was smooth, we were up and running in a day.",
        "Setup was painless and the getting-started guide walked us through everything.",
        "Our onboarding specialist made the rollout to {team} easy.",
        "Up and running in under an hour, impressive onboarding.",
    ],
    negative: &[
        "Onboarding was a mess, it took us {wait} to see any data.",
        "Setup was far harder than the sales demo suggested.",
        "Nobody helped us get started, we were left alone with a checklist.",
        "Getting the tracking set up needed a developer for weeks.",
        "The onboarding calls were rushed and generic.",
        "It took months before {team} trusted the numbers after setup.",
    ],
    suggestion: &[
        "Onboarding could use a sample project to play with.",
        "Setup would be easier with a checklist inside the app.",
        "A training session for new users during onboarding would help.",
    ],
    keywords: &[
        "onboarding",
        "setup",
        "set",
        "started",
        "running",
        "rollout",
        "training",
    ],
};

/// Onboarding once the new onboarding flow has shipped.
pub(crate) const NEW_ONBOARDING: Phrases = Phrases {
    positive: &[
        "The new onboarding flow is fantastic, setup took an afternoon.",
        "The new setup wizard had us up and running in a day.",
        "Onboarding has improved a lot, the checklist in the app is great.",
        "Setup was painless and the getting-started guide walked us through everything.",
        "Our onboarding specialist made the rollout to {team} easy.",
    ],
    negative: ONBOARDING.negative,
    suggestion: &[
        "The new onboarding is better but setup still needs a developer.",
        "A training session for new users during onboarding would help.",
    ],
    keywords: ONBOARDING.keywords,
};

pub(crate) const PERFORMANCE: Phrases = Phrases {
    positive: &[
        "Blazing fast even on our biggest data sets.",
        "Reports load instantly, which {team} loves.",
        "Performance is excellent, queries come back in seconds.",
        "Snappy and fast compared to {competitor}.",
        "Speed is the reason we switched, and it still impresses.",
    ],
    negative: &[
        "Dashboards take forever to load.",
        "Painfully slow with more than a few million events.",
        "{page} times out whenever we pick a date range over 90 days.",
        "Everything got slower after the last update.",
        "Queries that used to take seconds now take minutes.",
        "The app lags constantly, it's hard to work in it all day.",
        "Loading {page} takes 20 seconds on a good day.",
    ],
    suggestion: &[
        "Could be faster on large date ranges.",
        "Performance on big accounts needs work.",
        "Load times on {page} could be better.",
    ],
    keywords: &[
        "slow",
        "slower",
        "load",
        "loading",
        "fast",
        "faster",
        "speed",
        "performance",
        "lags",
        "queries",
        "times",
        "snappy",
        "instantly",
    ],
};

pub(crate) const RELIABILITY: Phrases = Phrases {
    positive: &[
        "Rock solid, never had an outage.",
        "Reliable every day, the numbers always match.",
        "Very stable, we haven't hit a bug in months.",
        "Stable and dependable, which matters more than flashy features.",
    ],
    negative: &[
        "Too many bugs. Something breaks with every release.",
        "The outage last month cost us a full day of reporting.",
        "Data was missing for a week and nobody told us.",
        "{page} crashes constantly in Chrome.",
        "Numbers don't match between {page} and the export, which kills trust.",
        "Random errors every time we save a report.",
        "The {integration} sync silently failed and we lost data.",
        "Buggy. We spend more time reporting bugs than using the product.",
        "Another outage this week. We can't rely on it.",
    ],
    suggestion: &[
        "Mostly stable, but the occasional bug is annoying.",
        "Please tell us about outages on a status page.",
        "Fewer bugs in new releases would make a big difference.",
    ],
    keywords: &[
        "bug", "bugs", "buggy", "outage", "outages", "crashes", "breaks", "errors", "failed",
        "missing", "match", "stable", "reliable", "rely", "solid",
    ],
};

pub(crate) const MISSING_FEATURES: Phrases = Phrases {
    positive: &[
        "Every feature we need is there.",
        "Love how quickly new features ship.",
        "The new {feature} feature saves us hours every week.",
        "They actually listen to feature requests, {feature} shipped two months after we asked.",
    ],
    negative: &[
        "Still no {feature}, a feature we asked for a year ago.",
        "Missing basic features like {feature}.",
        "We had to build {feature} ourselves because it's missing from the product.",
        "The roadmap never seems to include what customers ask for.",
        "Without a feature like {feature} we can't roll it out to {team}.",
        "Feature requests go into a black hole.",
    ],
    suggestion: &[
        "Would love to see {feature} on the roadmap.",
        "Please add {feature}.",
        "The one thing missing is {feature}.",
        "Adding {feature} would make this a 10.",
        "Add {feature} and we'd upgrade.",
    ],
    keywords: &[
        "feature", "features", "missing", "roadmap", "add", "adding", "build", "ship",
    ],
};

pub(crate) const INTEGRATIONS: Phrases = Phrases {
    positive: &[
        "The {integration} integration just works.",
        "Connecting {integration} took five minutes.",
        "Great API, we sync everything into {integration}.",
        "Love that it plugs straight into our {integration} workflow.",
        "The integrations are the best part, especially {integration}.",
    ],
    negative: &[
        "The {integration} integration is half-baked.",
        "The {integration} sync breaks every few weeks.",
        "No native {integration} integration, so we export CSVs by hand.",
        "The API is poorly documented and rate-limited to death.",
        "Integrations feel like an afterthought.",
        "Webhooks fail silently and there's no retry.",
    ],
    suggestion: &[
        "A {integration} integration would be a huge plus.",
        "Would like two-way sync with {integration}.",
        "More integrations, especially {integration}, please.",
    ],
    keywords: &[
        "integration",
        "integrations",
        "sync",
        "api",
        "webhooks",
        "connecting",
        "plugs",
    ],
};

pub(crate) const REPORTING: Phrases = Phrases {
    positive: &[
        "The dashboards are beautiful and {team} actually uses them.",
        "Reporting is the best part, the {report} is our Monday-morning ritual.",
        "Love the {report}, it replaced three spreadsheets.",
        "Insightful dashboards that the whole company understands.",
        "Building reports is quick and flexible.",
    ],
    negative: &[
        "The reports are too rigid to answer real questions.",
        "Building a custom dashboard is painful.",
        "Exports to CSV lose half the columns.",
        "Charts are hard to read and can't be customised.",
        "The {report} shows different numbers than the raw data.",
    ],
    suggestion: &[
        "Would like to schedule the {report} by email.",
        "More chart types in dashboards, please.",
        "Sharing dashboards with people outside the company should be easier.",
    ],
    keywords: &[
        "report",
        "reports",
        "reporting",
        "dashboard",
        "dashboards",
        "chart",
        "charts",
        "export",
        "exports",
    ],
};

pub(crate) const DOCUMENTATION: Phrases = Phrases {
    positive: &[
        "Excellent documentation with real examples.",
        "The docs answer almost every question before we need to ask.",
        "Clear guides and a great help center.",
        "The tutorials got {team} productive quickly.",
    ],
    negative: &[
        "The documentation is outdated and half the screenshots are wrong.",
        "The docs don't explain the API properly.",
        "Couldn't find anything useful in the help center.",
        "No examples in the docs for anything beyond the basics.",
    ],
    suggestion: &[
        "The docs could use more examples.",
        "Video tutorials would help new users.",
        "The API documentation needs more detail.",
    ],
    keywords: &[
        "documentation",
        "docs",
        "guides",
        "help",
        "tutorials",
        "examples",
    ],
};

pub(crate) const EASE_OF_USE: Phrases = Phrases {
    positive: &[
        "So easy to use, {team} picked it up without any training.",
        "Clean, intuitive interface.",
        "Beautiful design and everything is where you expect it.",
        "Easy to use and easy to explain to {team}.",
        "The UI is a joy to work with.",
        "Simple enough for anyone, powerful enough for our analysts.",
    ],
    negative: &[
        "The interface is cluttered and confusing.",
        "Too many clicks to do anything simple.",
        "The new UI moved everything around and nobody can find anything.",
        "{team} refuses to use it because it's so clunky.",
        "Navigation makes no sense.",
        "Not intuitive at all, we needed training for basic tasks.",
    ],
    suggestion: &[
        "The UI could be simpler for occasional users.",
        "Keyboard shortcuts would make it faster to use.",
        "A dark mode for the interface would be nice.",
    ],
    keywords: &[
        "interface",
        "ui",
        "clicks",
        "navigation",
        "intuitive",
        "easy",
        "clunky",
        "design",
        "simple",
        "simpler",
        "use",
    ],
};

pub(crate) const MOBILE: Phrases = Phrases {
    positive: &[
        "The mobile app is great for checking numbers on the go.",
        "Love getting alerts on my phone.",
        "Dashboards look great on mobile.",
    ],
    negative: &[
        "The mobile app is basically unusable.",
        "Dashboards don't work on a phone.",
        "The iPad app crashes every time I open a report.",
        "No offline mode in the mobile app, useless when travelling.",
    ],
    suggestion: &[
        "A proper mobile app would help our field team.",
        "Please make the dashboards work better on mobile.",
        "Push notifications in the phone app would be great.",
    ],
    keywords: &["mobile", "phone", "ipad", "app"],
};

pub(crate) const PRAISE: Phrases = Phrases {
    positive: &[
        "Love it!",
        "Great product, would recommend to anyone.",
        "Best analytics tool we've ever used.",
        "Absolutely love it, can't imagine working without it.",
        "A game changer for {team}.",
        "Fantastic product and a great team behind it.",
        "Already recommended it to three other companies.",
        "Does exactly what it promises.",
        "10/10, would recommend.",
        "Excellent tool.",
    ],
    negative: &[
        "Not worth it anymore.",
        "Wouldn't recommend it in its current state.",
        "Disappointed. It used to be a great product.",
        "We're moving to {competitor} at the end of the contract.",
        "Overall a disappointing experience.",
        "Nothing special, and {competitor} does the same for less.",
    ],
    suggestion: &[
        "Good product overall.",
        "Does the job.",
        "Solid tool with a few rough edges.",
    ],
    keywords: &[
        "love",
        "recommend",
        "recommended",
        "great",
        "best",
        "fantastic",
        "excellent",
        "game",
        "promises",
        "worth",
        "disappointed",
        "disappointing",
        "product",
        "tool",
        "job",
        "special",
        "moving",
    ],
};

/// Whole sentences that set the tone before the theme's sentence.
pub(crate) const POSITIVE_OPENERS: &[&str] = &[
    "Love it.",
    "Great product!",
    "Honestly one of the best tools we use.",
    "Very happy.",
    "Couldn't be happier.",
    "So good.",
];

/// Whole sentences that end a happy comment.
pub(crate) const POSITIVE_CLOSERS: &[&str] = &[
    "Keep up the good work!",
    "Thank you!",
    "Would recommend.",
    "Thanks to the whole team.",
    "Keep it up.",
];

/// Whole sentences that open an unhappy comment.
pub(crate) const NEGATIVE_OPENERS: &[&str] = &[
    "Very frustrating.",
    "Honestly disappointed.",
    "Not great.",
    "Where to start.",
    "Sorry, but no.",
];

/// Whole sentences that end an unhappy comment.
pub(crate) const NEGATIVE_CLOSERS: &[&str] = &[
    "Please fix this.",
    "We're evaluating alternatives.",
    "Considering {competitor} at renewal.",
    "If this doesn't change we'll leave.",
    "Really hope this gets better.",
];

/// Lukewarm sentences a passive starts with before saying what is missing.
pub(crate) const MIXED_OPENERS: &[&str] = &[
    "Solid product overall.",
    "Mostly happy.",
    "Does the job.",
    "Good tool.",
    "Pretty good.",
    "It works well enough.",
    "Decent.",
    "No major complaints.",
];

/// Lukewarm sentences a passive ends with.
pub(crate) const MIXED_CLOSERS: &[&str] = &[
    "Otherwise fine.",
    "Would give a 10 if that changed.",
    "Otherwise no complaints.",
];

/// The values a slot such as `{feature}` is filled with, or `None` for an unknown slot.
pub(crate) fn slot_values(name: &str) -> Option<&'static [&'static str]> {
    Some(match name {
        "feature" => &[
            "custom fields",
            "scheduled exports",
            "role-based permissions",
            "SSO",
            "audit logs",
            "cohort analysis",
            "funnel comparisons",
            "custom alerts",
            "annotations",
            "a dark mode",
            "bulk editing",
            "row-level permissions",
            "forecasting",
        ],
        "integration" => &[
            "Salesforce",
            "HubSpot",
            "Slack",
            "Snowflake",
            "BigQuery",
            "Zapier",
            "Shopify",
            "Stripe",
            "Segment",
            "Microsoft Teams",
            "Google Sheets",
            "Jira",
        ],
        "report" => &[
            "weekly report",
            "executive dashboard",
            "funnel report",
            "retention chart",
            "revenue dashboard",
            "PDF export",
            "scheduled email report",
        ],
        "competitor" => &["Metricly", "ChartHouse", "Datadash", "Plotwise", "Graphly"],
        "agent" => &[
            "Sarah", "Tom", "Priya", "Lucas", "Mei", "Jonas", "Carla", "Ahmed", "Zoe",
        ],
        "wait" => &["three days", "a week", "48 hours", "two weeks", "five days"],
        "team" => &[
            "our marketing team",
            "the finance team",
            "our ops people",
            "the whole company",
            "our analysts",
            "the sales team",
            "our product managers",
        ],
        "page" => &[
            "the dashboard",
            "the report builder",
            "the settings page",
            "the funnel view",
            "the data explorer",
            "the home page",
        ],
        _ => return None,
    })
}
