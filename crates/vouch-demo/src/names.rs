//! Made-up people and companies: names for email addresses and company domains.
//!
//! Every address ends in `.example`, a top-level domain reserved for documentation, so a demo
//! database can never email a real person.

/// A respondent's language; the survey is shown in it and their name fits it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Language {
    English,
    French,
    German,
    Spanish,
}

impl Language {
    /// The ISO 639-1 code stored as the `language` attribute.
    pub fn code(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::French => "fr",
            Language::German => "de",
            Language::Spanish => "es",
        }
    }

    /// First names common among speakers of the language (ASCII, for email addresses).
    pub fn first_names(self) -> &'static [&'static str] {
        match self {
            Language::English => &[
                "james", "mary", "john", "patricia", "robert", "jennifer", "michael", "linda",
                "david", "emily", "chris", "sarah", "daniel", "jessica", "matthew", "ashley",
                "andrew", "amanda", "ryan", "megan", "kevin", "laura", "brian", "rachel", "priya",
                "arjun", "olivia", "liam", "noah", "emma", "grace", "oliver",
            ],
            Language::French => &[
                "camille", "louis", "lea", "hugo", "manon", "jules", "chloe", "lucas", "sarah",
                "nathan", "julie", "thomas", "claire", "antoine", "marie", "pierre", "sophie",
                "nicolas", "celine", "romain", "pauline", "julien", "margaux", "mathieu",
            ],
            Language::German => &[
                "anna",
                "lukas",
                "lena",
                "felix",
                "laura",
                "jonas",
                "sophie",
                "paul",
                "julia",
                "leon",
                "hannah",
                "maximilian",
                "katharina",
                "tobias",
                "johanna",
                "stefan",
                "sabine",
                "markus",
                "nina",
                "florian",
                "miriam",
                "sebastian",
                "lisa",
                "tim",
            ],
            Language::Spanish => &[
                "lucia",
                "hugo",
                "maria",
                "martin",
                "paula",
                "pablo",
                "sofia",
                "alejandro",
                "carmen",
                "diego",
                "elena",
                "javier",
                "laura",
                "sergio",
                "ana",
                "carlos",
                "marta",
                "andres",
                "isabel",
                "raul",
                "valentina",
                "mateo",
                "daniela",
                "jorge",
            ],
        }
    }

    /// Family names common among speakers of the language (ASCII, for email addresses).
    pub fn last_names(self) -> &'static [&'static str] {
        match self {
            Language::English => &[
                "smith", "johnson", "williams", "brown", "jones", "miller", "davis", "wilson",
                "taylor", "anderson", "thomas", "moore", "martin", "jackson", "white", "harris",
                "clark", "lewis", "walker", "hall", "young", "king", "wright", "scott", "green",
                "baker", "patel", "sharma", "nguyen", "kim", "murphy", "kelly",
            ],
            Language::French => &[
                "martin", "bernard", "dubois", "thomas", "robert", "richard", "petit", "durand",
                "leroy", "moreau", "simon", "laurent", "lefebvre", "michel", "garcia", "david",
                "bertrand", "roux", "vincent", "fournier", "morel", "girard", "andre", "mercier",
            ],
            Language::German => &[
                "mueller",
                "schmidt",
                "schneider",
                "fischer",
                "weber",
                "meyer",
                "wagner",
                "becker",
                "schulz",
                "hoffmann",
                "koch",
                "richter",
                "klein",
                "wolf",
                "schroeder",
                "neumann",
                "schwarz",
                "braun",
                "zimmermann",
                "krueger",
                "hartmann",
                "lange",
                "werner",
                "krause",
            ],
            Language::Spanish => &[
                "garcia",
                "rodriguez",
                "gonzalez",
                "fernandez",
                "lopez",
                "martinez",
                "sanchez",
                "perez",
                "gomez",
                "martin",
                "jimenez",
                "ruiz",
                "hernandez",
                "diaz",
                "moreno",
                "alvarez",
                "romero",
                "alonso",
                "navarro",
                "torres",
                "dominguez",
                "vazquez",
                "ramos",
                "castillo",
            ],
        }
    }
}

/// First halves of company names.
const COMPANY_FIRST: [&str; 64] = [
    "bright", "blue", "swift", "north", "silver", "green", "red", "clear", "bold", "quiet",
    "golden", "iron", "open", "true", "prime", "rapid", "solid", "urban", "wild", "lucky", "grand",
    "noble", "brave", "calm", "crisp", "deep", "fair", "fresh", "high", "keen", "kind", "light",
    "modern", "neat", "pure", "rare", "royal", "sharp", "smart", "steady", "sunny", "tall",
    "vivid", "warm", "west", "east", "south", "young", "amber", "coral", "cobalt", "crimson",
    "jade", "indigo", "ivory", "lunar", "polar", "stellar", "maple", "cedar", "oak", "pine",
    "river", "stone",
];

/// Second halves of company names.
const COMPANY_SECOND: [&str; 64] = [
    "harbor", "fox", "peak", "field", "path", "bridge", "works", "forge", "labs", "data", "cloud",
    "leaf", "wave", "lake", "point", "yard", "line", "gate", "craft", "mill", "nest", "hive",
    "spark", "grove", "ridge", "bay", "box", "loop", "hub", "port", "shift", "signal", "orbit",
    "vector", "pixel", "ledger", "cart", "goods", "health", "learning", "media", "freight",
    "supply", "studio", "partners", "systems", "logic", "metrics", "pay", "care", "foods",
    "travel", "homes", "energy", "motors", "tools", "books", "wear", "farms", "print", "legal",
    "clinic", "market", "network",
];

/// Words added when every first–second pair is taken.
const COMPANY_EXTRA: [&str; 6] = ["group", "hq", "co", "global", "digital", "inc"];

/// Appends a company domain unique to `index` (under the reserved `.example` top-level
/// domain).
///
/// Pairs of words are handed out in a scrambled order, so neighbouring customers do not have
/// neighbouring names; once all 4 096 pairs are used, an extra word (then a number) keeps each
/// domain unique.
pub(crate) fn push_company_domain(out: &mut String, index: u64) {
    let pairs = (COMPANY_FIRST.len() * COMPANY_SECOND.len()) as u64;
    // An odd multiplier is a bijection modulo a power of two.
    let scrambled = ((index % pairs) * 1_597 + 731) % pairs;
    out.push_str(COMPANY_FIRST[(scrambled / COMPANY_SECOND.len() as u64) as usize]);
    out.push('-');
    out.push_str(COMPANY_SECOND[(scrambled % COMPANY_SECOND.len() as u64) as usize]);
    let round = index / pairs;
    if round > 0 {
        out.push('-');
        out.push_str(COMPANY_EXTRA[((round - 1) % COMPANY_EXTRA.len() as u64) as usize]);
        let lap = (round - 1) / COMPANY_EXTRA.len() as u64;
        if lap > 0 {
            push_padded(out, lap + 1, 1);
        }
    }
    out.push_str(".example");
}

/// Appends `number` in decimal, with leading zeros up to `width` digits.
pub(crate) fn push_padded(out: &mut String, number: u64, width: usize) {
    let mut digits = [b'0'; 20];
    let mut rest = number;
    let mut used = 0;
    while rest > 0 || used == 0 {
        digits[19 - used] = b'0' + (rest % 10) as u8;
        rest /= 10;
        used += 1;
    }
    for _ in used..width {
        out.push('0');
    }
    for &digit in &digits[20 - used..] {
        out.push(char::from(digit));
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn company_domains_never_repeat() {
        let domains: HashSet<String> = (0..60_000)
            .map(|index| {
                let mut domain = String::new();
                push_company_domain(&mut domain, index);
                domain
            })
            .collect();
        assert_eq!(domains.len(), 60_000);
        assert!(domains.iter().all(|domain| domain.ends_with(".example")));
    }

    #[test]
    fn numbers_are_padded_with_zeros() {
        let padded = |number, width| {
            let mut out = String::new();
            push_padded(&mut out, number, width);
            out
        };
        assert_eq!(padded(123, 6), "000123");
        assert_eq!(padded(0, 1), "0");
        assert_eq!(padded(1_234_567, 6), "1234567");
        assert_eq!(padded(u64::MAX, 1), u64::MAX.to_string());
    }

    #[test]
    fn names_are_plain_lower_case_letters() {
        for language in [
            Language::English,
            Language::French,
            Language::German,
            Language::Spanish,
        ] {
            for name in language.first_names().iter().chain(language.last_names()) {
                assert!(name.bytes().all(|b| b.is_ascii_lowercase()), "{name}");
            }
        }
    }
}
