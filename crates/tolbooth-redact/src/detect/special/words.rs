//! The word lists the special category detector reads a clause by: who
//! it is about, how a term is introduced, and the places and services
//! named after a term.

/// Words that make a clause about a person: the writer, or someone they
/// speak of (English, Scots, Welsh and Gaelic).
pub(super) const PERSON_CUES: &[&str] = &[
    "i", "i'm", "im", "i've", "ive", "i'd", "i'll", "me", "my", "myself", "mine", "ma", "we",
    "dwi'n", "ydw", "dw'n", "we're", "we've", "our", "ours", "us", "he", "she", "he's", "she's",
    "hes", "shes", "his", "her", "him", "fy", "dw", "dwi", "i'n", "rwy", "rwy'n", "rwyn", "rydw",
    "wi'n", "fi", "mo", "mi", "orm", "agam",
];

/// People close to the writer. They make a clause about a person only
/// after a possessive ("my son has ADHD", "their daughter has cancer"):
/// "autism assessments for children" is a topic.
pub(super) const RELATIVES: &[&str] = &[
    "son",
    "sons",
    "daughter",
    "daughters",
    "child",
    "children",
    "kid",
    "kids",
    "boy",
    "girl",
    "bairn",
    "wean",
    "weans",
    "lad",
    "lass",
    "lassie",
    "husband",
    "wife",
    "partner",
    "mum",
    "mam",
    "mom",
    "dad",
    "mother",
    "father",
    "gran",
    "granny",
    "grandma",
    "grandad",
    "grandpa",
    "nan",
    "nain",
    "taid",
    "brother",
    "sister",
    "baby",
    "boyfriend",
    "girlfriend",
    "bf",
    "gf",
    "fiance",
    "fiancé",
    "fiancée",
    "neighbour",
    "neighbor",
    "tenant",
    "friend",
    "cousin",
    "aunt",
    "auntie",
    "uncle",
    "nephew",
    "niece",
    "stepson",
    "stepdaughter",
    "stepdad",
    "stepmum",
    "grandson",
    "granddaughter",
    "mab",
    "merch",
    "ngŵr",
    "ngwr",
    "ngwraig",
];

/// Possessives before a relative; "wee", "little" and the like may stand
/// between ("my wee boy").
pub(super) const POSSESSIVES: &[&str] = &[
    "my", "our", "his", "her", "their", "your", "ma", "me", "mo", "fy", "ein",
];

/// Words after which an everyday word (unite, trans, ...) is meant as the
/// term: "in Unite", "member of unison".
pub(super) const INTRO_WORDS: &[&str] = &[
    "of", "join", "joined", "joining", "with", "from", "am", "i'm", "im", "is", "are",
];

/// "I'm in", "we're in", "she's in": before "in", these make it membership.
pub(super) const BE_WORDS: &[&str] = &[
    "i'm", "im", "am", "i", "we're", "were", "we", "was", "is", "are", "he's", "she's", "hes",
    "shes", "been",
];

/// Words after a union's name that make it membership: "a unite rep".
pub(super) const ROLE_WORDS: &[&str] = &[
    "rep",
    "reps",
    "representative",
    "member",
    "members",
    "steward",
    "branch",
    "card",
];

/// Words that turn a following "i" or "we" into a question about a service
/// ("can i get a blue badge", "how do i join a trade union"), not a
/// statement about the writer.
pub(super) const ASKING_WORDS: &[&str] = &[
    "can", "could", "do", "does", "should", "would", "will", "may", "might", "how", "where",
    "when", "what", "if", "shall",
];

/// Words after a religious term that make it a place or a service
/// ("the church hall", "a Catholic school"), not a person's belief.
pub(super) const RELIGION_VENUES: &[&str] = &[
    "hall",
    "halls",
    "street",
    "road",
    "lane",
    "car",
    "centre",
    "center",
    "nursery",
    "school",
    "schools",
    "primary",
    "high",
    "grounds",
    "yard",
    "bazaar",
    "fete",
    "fayre",
    "chaplain",
    "chaplains",
    "priest",
    "church",
    "churches",
    "cathedral",
    "cemetery",
    "graveyard",
    "chapel",
    "food",
    "shop",
    "shops",
    "butcher",
    "butchers",
    "options",
    "meals",
    "festival",
];

/// Words after a health term that make it a facility or a service ("the
/// disabled bay", "autism assessments", "blue badge holders").
pub(super) const HEALTH_FACILITIES: &[&str] = &[
    "bay",
    "bays",
    "parking",
    "space",
    "spaces",
    "toilet",
    "toilets",
    "access",
    "accessible",
    "facilities",
    "entrance",
    "ramp",
    "loo",
    "changing",
    "holders",
    "scheme",
    "assessments",
    "services",
    "friendly",
    "awareness",
    "charity",
    "charities",
    "hour",
    "provision",
    "support",
    "line",
    "helpline",
    "team",
    "policy",
];

/// Words after an ethnic term that make it a place or a trade ("the
/// Gypsy/Traveller site", "a Polish shop").
pub(super) const ORIGIN_VENUES: &[&str] = &[
    "site",
    "sites",
    "pitch",
    "pitches",
    "restaurant",
    "restaurants",
    "takeaway",
    "food",
    "shop",
    "shops",
    "deli",
    "supermarket",
    "festival",
];

/// A pronoun and "be" in one word, before a term in
/// [`lexicon::BE_INTRO_ONLY`]: "im bi".
pub(super) const PRONOUN_BE: &[&str] = &[
    "i'm", "im", "we're", "he's", "she's", "hes", "shes", "they're", "theyre", "you're",
];

/// Forms of "be" that, after a pronoun ("i am", "she is") or "for" ("for
/// being"), introduce a term in [`lexicon::BE_INTRO_ONLY`].
pub(super) const BE_FORMS: &[&str] = &["am", "are", "is", "was", "were", "being", "been"];

/// Words before a form of "be" that make it about someone.
pub(super) const BE_SUBJECTS: &[&str] = &[
    "i", "we", "he", "she", "they", "for", "of", "about", "because", "cause", "cos", "coz",
];
