#!/usr/bin/env python3
"""Validate the blind redaction evaluation batch in this directory.

Standard library only.  Usage:

    python3 check.py            # validate every *.txt file here, print counts
    python3 check.py --markdown # same, but print the count tables as Markdown
    python3 check.py FILE ...   # validate only the given files

Exit status is 0 when no errors were found, 1 otherwise.  Warnings never
change the exit status.

Checks made
-----------
* File: UTF-8, first line is a '#' comment, no blank lines, no CR, no tabs,
  40-60 messages per file.
* Line syntax: only the escapes \\n, \\{, \\}, \\\\ ; every '{' opens a span
  written {category:text}; spans are closed, balanced and never nested; no
  stray '}'.
* Category names: one of the 18 removal categories or 'name'.
* Span text: non-empty, no leading/trailing whitespace, no trailing ',;:!?'.
* Per-category validation of the invented data:
    phone          Ofcom drama ranges (digits, or digits spelled out in
                   English / Welsh / Gaelic words) or the fictional foreign
                   ranges +1 202 555 01xx, +353 20 91x xxxx, +33 1 99 00 xx xx
    email          at example.com/.org/.net/.co.uk (obfuscated forms with
                   "at"/"dot" are de-obfuscated first)
    ip_address     inside 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24,
                   2001:db8::/32
    nhs_number     10 digits with a valid mod-11 check digit
    card_number    13-19 digits passing Luhn
    bank_account   IBAN with valid length and mod-97, or sort code and/or
                   account number (6 and/or 8 digits)
    ni_number      valid prefix letters, 6 digits, suffix A-D
    postcode       UK postcode shape
    date_of_birth  numeric forms must be real calendar dates
    social_handle  starts with @ or u/ or is a profile URL
* Leak scan of the text outside spans: unlabelled e-mail addresses, phone
  numbers in the drama ranges, NI numbers, IBANs, Luhn-valid card-length
  numbers and mod-11-valid NHS-shaped numbers are errors (the batch uses
  10-digit references that deliberately FAIL mod-11 as negatives).
"""
import datetime
import ipaddress
import os
import re
import sys

REMOVE_CATS = [
    "email", "phone", "postal_address", "postcode", "ip_address",
    "social_handle", "ni_number", "nhs_number", "card_number",
    "bank_account", "date_of_birth", "health", "sex_life_or_orientation",
    "religion_or_belief", "political_opinion", "racial_or_ethnic_origin",
    "trade_union_membership", "genetic_or_biometric",
]
SPECIAL = ["health", "sex_life_or_orientation", "religion_or_belief",
           "political_opinion", "racial_or_ethnic_origin",
           "trade_union_membership", "genetic_or_biometric"]
ALL_CATS = REMOVE_CATS + ["name"]

# Minimum counts from the brief (whole batch).
MINIMA = {c: 15 for c in REMOVE_CATS}
MINIMA["health"] = 80
for c in SPECIAL:
    if c != "health":
        MINIMA[c] = 25
MINIMA["name"] = 80
MIN_MESSAGES = 450
MIN_NON_ENGLISH = 40


class ParseError(Exception):
    pass


def parse_line(line):
    """Return (plain_text, spans) where spans = [(cat, text, start, end)]."""
    out = []          # characters of the plain message
    spans = []
    i = 0
    n = len(line)
    in_span = False
    cat = None
    span_start = 0
    while i < n:
        ch = line[i]
        if ch == "\\":
            if i + 1 >= n:
                raise ParseError("trailing backslash")
            nxt = line[i + 1]
            if nxt == "n":
                out.append("\n")
            elif nxt in "{}\\":
                out.append(nxt)
            else:
                raise ParseError("unknown escape \\%s at column %d" % (nxt, i + 1))
            i += 2
            continue
        if ch == "{":
            if in_span:
                raise ParseError("nested '{' at column %d" % (i + 1))
            m = re.match(r"\{([a-z_]+):", line[i:])
            if not m:
                raise ParseError("'{' not followed by category: at column %d" % (i + 1))
            cat = m.group(1)
            if cat not in ALL_CATS:
                raise ParseError("unknown category %r at column %d" % (cat, i + 1))
            in_span = True
            span_start = len(out)
            i += len(m.group(0))
            continue
        if ch == "}":
            if not in_span:
                raise ParseError("stray '}' at column %d" % (i + 1))
            text = "".join(out[span_start:])
            spans.append((cat, text, span_start, len(out)))
            in_span = False
            i += 1
            continue
        out.append(ch)
        i += 1
    if in_span:
        raise ParseError("unclosed span {%s:..." % cat)
    return "".join(out), spans


# ---------------------------------------------------------------- phones
WORD_DIGITS = {
    # English
    "zero": "0", "oh": "0", "o": "0", "nought": "0", "nil": "0",
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
    "six": "6", "seven": "7", "eight": "8", "nine": "9",
    # Welsh
    "dim": "0", "un": "1", "dau": "2", "dwy": "2", "tri": "3", "tair": "3",
    "pedwar": "4", "pedair": "4", "pump": "5", "chwech": "6", "saith": "7",
    "wyth": "8", "naw": "9",
    # Scottish Gaelic
    "neoni": "0", "aon": "1", "dhà": "2", "dha": "2", "dà": "2",
    "trì": "3", "ceithir": "4", "còig": "5", "coig": "5", "sia": "6",
    "seachd": "7", "ochd": "8", "naoi": "9",
}
REPEAT = {"double": 2, "dwbl": 2, "triple": 3, "treble": 3}


def phone_digits(text):
    """Turn a phone span (digits and/or words) into '+digits' or 'digits'."""
    t = text.lower()
    t = t.replace("(0)", " ")
    tokens = re.findall(r"\+|\d|[^\W\d_]+", t)
    out = []
    pending = 1
    for tok in tokens:
        if tok == "+" or tok == "plus":
            out.append("+")
        elif tok.isdigit():
            out.append(tok * pending)
            pending = 1
        elif tok in WORD_DIGITS:
            out.append(WORD_DIGITS[tok] * pending)
            pending = 1
        elif tok in REPEAT:
            pending = REPEAT[tok]
        elif tok in ("hundred", "cant"):
            out.append("00")
        elif tok in ("thousand", "mil"):
            out.append("000")
        elif tok in ("and", "a", "then", "ac", "is", "tel", "mob", "ext"):
            continue
        else:
            return None
    s = "".join(out)
    if s.startswith("00"):
        s = "+" + s[2:]
    return s


UK_DRAMA = [
    r"07700900\d{3}",
    r"01632960\d{3}",
    r"02079460\d{3}",
    r"0(?:113|114|115|116|117|118|121|131|141|151|161|191)4960\d{3}",
    r"02896496\d{3}",
    r"02920180\d{3}",
    r"08081570\d{3}",
]
FOREIGN_DRAMA = [r"120255501\d{2}", r"3532091\d{5}", r"3319900\d{4}"]


def valid_phone(text):
    s = phone_digits(text)
    if not s:
        return False, "cannot read phone %r" % text
    if s.startswith("+44"):
        s = "0" + s[3:]
    if s.startswith("+"):
        d = s[1:]
        if any(re.fullmatch(p, d) for p in FOREIGN_DRAMA):
            return True, ""
        return False, "foreign phone %r not in fictional range" % text
    if any(re.fullmatch(p, s) for p in UK_DRAMA):
        return True, ""
    return False, "phone %r (%s) not in an Ofcom drama range" % (text, s)


# ---------------------------------------------------------------- emails
EMAIL_DOMAINS = {"example.com", "example.org", "example.net", "example.co.uk"}


def deobfuscate_email(text):
    t = text.strip().lower()
    t = re.sub(r"\s*[\[\(<]\s*(at|@)\s*[\]\)>]\s*", "@", t)
    t = re.sub(r"\s*[\[\(<]\s*(dot|\.)\s*[\]\)>]\s*", ".", t)
    t = re.sub(r"\s+at\s+", "@", t)
    t = re.sub(r"\s+dot\s+", ".", t)
    t = re.sub(r"\s*@\s*", "@", t)
    t = re.sub(r"\s*\.\s*", ".", t)
    return t


def valid_email(text):
    t = deobfuscate_email(text)
    m = re.fullmatch(r"[a-z0-9._%+'-]+@([a-z0-9.-]+)", t)
    if not m:
        return False, "cannot read e-mail %r (%r)" % (text, t)
    if m.group(1) not in EMAIL_DOMAINS:
        return False, "e-mail domain %r not allowed" % m.group(1)
    return True, ""


# ---------------------------------------------------------------- IPs
IP_NETS = [ipaddress.ip_network(n) for n in
           ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")]


def valid_ip(text):
    try:
        ip = ipaddress.ip_address(text.strip())
    except ValueError:
        return False, "not an IP address %r" % text
    if any(ip.version == n.version and ip in n for n in IP_NETS):
        return True, ""
    return False, "IP %r outside documentation ranges" % text


# ---------------------------------------------------------------- NHS
def nhs_ok(digits):
    if len(digits) != 10 or not digits.isdigit():
        return False
    s = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
    c = 11 - s % 11
    if c == 11:
        c = 0
    return c != 10 and c == int(digits[9])


def valid_nhs(text):
    d = re.sub(r"[\s-]", "", text)
    if not re.fullmatch(r"\d{10}", d):
        return False, "NHS number %r is not 10 digits" % text
    if not nhs_ok(d):
        return False, "NHS number %r fails mod-11" % text
    return True, ""


# ---------------------------------------------------------------- cards
def luhn_ok(digits):
    tot = 0
    for i, ch in enumerate(reversed(digits)):
        x = int(ch)
        if i % 2:
            x *= 2
            if x > 9:
                x -= 9
        tot += x
    return tot % 10 == 0


def valid_card(text):
    d = re.sub(r"[\s-]", "", text)
    if not re.fullmatch(r"\d{13,19}", d):
        return False, "card %r is not 13-19 digits" % text
    if not luhn_ok(d):
        return False, "card %r fails Luhn" % text
    return True, ""


# ---------------------------------------------------------------- bank
IBAN_LEN = {"GB": 22, "IE": 22, "FR": 27, "DE": 22, "ES": 24, "PL": 28,
            "NL": 18, "IT": 27, "PT": 25, "RO": 24, "LT": 20, "BE": 16,
            "LV": 21, "SK": 24, "CZ": 24, "HU": 28, "BG": 22, "GR": 27}


def iban_ok(s):
    s = s.upper()
    if s[:2] not in IBAN_LEN or len(s) != IBAN_LEN[s[:2]]:
        return False
    r = s[4:] + s[:4]
    try:
        n = int("".join(str(int(ch, 36)) for ch in r))
    except ValueError:
        return False
    return n % 97 == 1


def valid_bank(text):
    compact = re.sub(r"[\s-]", "", text).upper()
    m = re.search(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", compact)
    if m and re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]+", compact):
        if not iban_ok(compact):
            return False, "IBAN %r fails length or mod-97" % text
        return True, ""
    groups = re.findall(r"\d[\d -]*\d|\d", text)
    digits = [re.sub(r"\D", "", g) for g in groups]
    joined = "".join(digits)
    if not digits:
        return False, "bank account %r has no digits" % text
    # sort code (6) and/or account number (8) in any spacing
    if len(joined) in (6, 8, 14):
        return True, ""
    return False, "bank account %r: expected 6-digit sort code and/or 8-digit account" % text


# ---------------------------------------------------------------- NI
NI_BAD_PREFIX = {"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"}


def valid_ni(text):
    s = re.sub(r"[\s-]", "", text).upper()
    m = re.fullmatch(r"([A-Z])([A-Z])(\d{6})([A-D])", s)
    if not m:
        return False, "NI number %r has wrong shape" % text
    a, b = m.group(1), m.group(2)
    if a in "DFIQUV" or b in "DFIQUVO" or (a + b) in NI_BAD_PREFIX:
        return False, "NI number %r has an invalid prefix" % text
    return True, ""


# ---------------------------------------------------------------- postcode
PC_RE = re.compile(r"[A-Z]{1,2}\d[A-Z\d]?\s*\d[ABD-HJLNP-UW-Z]{2}", re.I)


def valid_postcode(text):
    if PC_RE.fullmatch(text.strip()):
        return True, ""
    return False, "postcode %r has wrong shape" % text


# ---------------------------------------------------------------- DOB
def valid_dob(text):
    m = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})", text.strip())
    if m:
        d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if y < 100:
            y += 1900 if y > 25 else 2000
        try:
            datetime.date(y, mo, d)
        except ValueError:
            return False, "date of birth %r is not a real date" % text
        if y > 2025:
            return False, "date of birth %r in the future" % text
    if not re.search(r"\d|[a-zà-ÿ]{3,}", text, re.I):
        return False, "date of birth %r unreadable" % text
    return True, ""


def valid_handle(text):
    t = text.strip()
    if re.fullmatch(r"@[\w.]{2,30}", t) or re.fullmatch(r"u/[\w-]{2,30}", t):
        return True, ""
    if re.fullmatch(r"(https?://)?(www\.)?(facebook|instagram|tiktok|x|twitter|linkedin)\.com/[\w./@-]+", t):
        return True, ""
    return False, "social handle %r not @name, u/name or profile URL" % text


def valid_postal(text):
    if not re.search(r"\d|[A-Z]", text):
        return False, "postal address %r has no number or capital" % text
    return True, ""


VALIDATORS = {
    "phone": valid_phone, "email": valid_email, "ip_address": valid_ip,
    "nhs_number": valid_nhs, "card_number": valid_card,
    "bank_account": valid_bank, "ni_number": valid_ni,
    "postcode": valid_postcode, "date_of_birth": valid_dob,
    "social_handle": valid_handle, "postal_address": valid_postal,
}


# ---------------------------------------------------------------- leak scan
LEAK_PATTERNS = [
    ("email", re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")),
    ("ni_number", re.compile(r"\b[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b", re.I)),
    ("iban", re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){3,7}(?:\s?[A-Z0-9]{1,3})?\b")),
]


def leak_scan(plain, spans):
    """Return list of problems found in the text outside spans."""
    mask = list(plain)
    for _, _, s, e in spans:
        for k in range(s, e):
            mask[k] = "\x00"
    outside = "".join(mask)
    problems = []
    for label, rx in LEAK_PATTERNS:
        for m in rx.finditer(outside):
            frag = m.group(0)
            if label == "iban" and not iban_ok(re.sub(r"\s", "", frag)):
                continue
            if label == "ni_number" and not valid_ni(frag)[0]:
                continue
            problems.append("unlabelled %s-like text %r" % (label, frag))
    # digit runs (allow single spaces / hyphens inside)
    for m in re.finditer(r"\+?\d[\d -]{8,}\d", outside):
        frag = m.group(0)
        d = re.sub(r"\D", "", frag)
        ok, _ = valid_phone(frag)
        if ok:
            problems.append("unlabelled phone %r" % frag)
        if len(d) == 10 and nhs_ok(d):
            problems.append("unlabelled 10-digit number %r passes NHS mod-11" % frag)
        if 13 <= len(d) <= 19 and luhn_ok(d):
            problems.append("unlabelled card-length number %r passes Luhn" % frag)
    return problems


# ---------------------------------------------------------------- language
# A rough heuristic used only to REPORT how many messages are not mainly
# English.  Word lists avoid tokens that are also common English words.
WELSH = set("""dw dwi rydw rwy mae ydy yw ydw diolch helo shwmae fy ein chi gyda
gyda'r efo ond achos plis eisiau isio angen ddim wedi bore iawn yn yr y ar
hefyd gallu allwch allai gennych mewn nain taid cyngor ysgol plant tŷ dŷ rhif
ffôn e-bost cyfeiriad annwyl cofion gwaith nhw sydd oedd bod fydd byddai
gwybod siarad cymraeg gymraeg nos pnawn dros llythyr gofal gofalwr ydych chwaer
brawd mab merch gŵr ngŵr gwraig teulu hoffwn bu farw cafodd geni ôl dydd
llun oes modd cael asesiad drwy'r ganddo ers pum mlynedd disgyn aml rŵan
cymydog drws nesa chwarae cerddoriaeth uchel bob tan dri byw fflat stryd
gweithio shifft does dim posib cysgu sŵn ystod helpwch apelio erbyn tocyn
parcio roeddwn angladd capel maes parcio llawn angen cerdyn bws newydd arna
dyddiad talu'r dreth gyngor mis yma dâl mamolaeth hyn bryd arian brin cyfrif
ydy'r bosib dystysgrif saesneg os gwelwch dda hoffwn gofrestru marwolaeth
ddydd teimlo'n isel nhad ym wythnosau rhywun sy'n ar gael heno gas gweiddi
adre athrawes aelod mab fo ychwanegol cymorth arno darparu cludiant ddim
nghariad gwneud cais gyda'n gilydd ddynes hynny'n broblem to gollwng eto
storm pryd fydd rhywun dod allan fawr plymwr heddiw mynd i'r fflat rhy bell
o'r nes dre undeb dweud wrtha ofyn help taliad costau wedi mynd anghywir
nghyfeiriad wna ffonio fory pleidleisio blaid aros lawdriniaeth glun poen
rif allwch ysgrifennu bwrdd iechyd ran toriadau gyllideb ofnadwy cyfarfod
cyhoeddus fferm wynt dal ymlaen neuadd pentref uwchradd dw i'n mae'r a'r
ffordd heol lôn glan môr hi'n o'n ydi""".split())
GAELIC = set("""tha chan eil agam ciamar madainn mhath tapadh leibh leat agus
airson bha seo dhomh 's sinn sibh iad aig ann bho ri mu dè càite carson
cuideachadh feumaidh feum fòn post-d seòladh sgoil taigh m' mhàthair athair
bràthair piuthar nighean teaghlach obair comhairle oidhche dhachaigh duilich
glè fhathast ach ged nuair cha fhios tòrr mòr halò tinn aillse aice
cò bu chòir bruidhinn àireamh às dèidh còig uairean cù nàbaidh a' comhartaich
fad na h-oidhche urrainn cadal idir bidh dol don eaglais gach didòmhnaich
gearradh feur inneal naoi sa mhadainn ceart cuiribh thugam mas ur toil
fhuair tiogaid chidhe feitheamh ris aiseag fadalach mise chaochail an-dè
tinneas chridhe bhliadhnaichean rugadh latha den lùnastal chaitligeach
bheatha tiodhlacadh gheibh lethbhreac teisteanas bàis cluinntinn ghuthan
a-rithist t-eagal orm bheil duine bhruidhneas gàidhlig a-nochd àrachais
nàiseanta biadh sgoile an-asgaidh dòigh gluasad t-samhradh sgìre pàigheadh
mhìos chaill taigh-òsta dàmhair fuireach faod litir chur uinneag briste
diluain cuin thig neach-càraidh mhac cathair-chuibhle lioft togalach againn
nam bhall aonadh cuideachadh sochairean tuigsinn b' cuideigin mo chuideachadh
sgrìobhadh mun dhol ghlaschu leigheas chaidh dheth tursan freagairt uile
sgìth agaibh bhios coinneamh phoblach baile ùr rathad chladaich rìgh sràid
h-eaglaise""".split())
SCOTS = set("""ah cannae dinnae didnae wouldnae couldnae isnae wisnae doesnae
havnae hasnae shouldnae urnae wean weans aye ken wis oot hoose maw da awfy
gonnae bairn youse tae fae ower naw noo oan ma masel wir oor yersel hame
lassie laddie greetin wullnae canny intae aboot onywey efter whit whaur thon
yin heid fur goat naebody telt polis mornin screamin bawlin ur daein
everythin sayin cooncil livin jist stoap stoapped wantin toon granda dae
waws bowfin freezin aw ane heatin hittin writin wid ye copin chynged doactor
nae hen""".split())


def _tokens(plain):
    toks = re.findall(r"[a-zà-ÿŵŷ]+(?:['’-][a-zà-ÿŵŷ]+)*'?|'[a-z]", plain.lower())
    out = []
    for t in toks:
        t = t.replace("’", "'")
        out.append(t)
    return out


def language_of(plain):
    toks = _tokens(plain)
    if not toks:
        return "en"
    def hit(t, lex):
        if t in lex:
            return True
        base = re.sub(r"'(s|n|r|m|ll|ve|re|d)$", "", t)
        return base in lex
    w = sum(hit(t, WELSH) for t in toks) / len(toks)
    g = sum(hit(t, GAELIC) for t in toks) / len(toks)
    s = sum(hit(t, SCOTS) for t in toks)
    if w >= 0.35 and w >= g:
        return "cy"
    if g >= 0.35:
        return "gd"
    if s >= 3 or (s >= 2 and len(toks) < 25):
        return "sco"
    return "en"


# ---------------------------------------------------------------- main
def check_file(path):
    errors, warnings = [], []
    stats = {"messages": 0, "with_removal": 0, "names_only_or_none": 0,
             "long600": 0, "linebreak": 0, "three_sentences": 0,
             "lang": {"cy": 0, "gd": 0, "sco": 0, "en": 0},
             "cats": {c: 0 for c in ALL_CATS}}
    try:
        raw = open(path, "rb").read()
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        return ["%s: not UTF-8 (%s)" % (path, e)], warnings, stats
    if "\r" in text:
        errors.append("%s: contains carriage returns" % path)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines = lines[:-1]
    if not lines or not lines[0].startswith("#"):
        errors.append("%s:1: first line must be a '#' comment" % path)
    for lineno, line in enumerate(lines[1:], start=2):
        where = "%s:%d" % (os.path.basename(path), lineno)
        if line.strip() == "":
            errors.append("%s: blank line" % where)
            continue
        if line.startswith("#"):
            errors.append("%s: comment line after the header" % where)
            continue
        if "\t" in line:
            errors.append("%s: tab character" % where)
        if line != line.strip():
            warnings.append("%s: leading/trailing whitespace on line" % where)
        try:
            plain, spans = parse_line(line)
        except ParseError as e:
            errors.append("%s: %s" % (where, e))
            continue
        stats["messages"] += 1
        removable = [s for s in spans if s[0] != "name"]
        if removable:
            stats["with_removal"] += 1
        else:
            stats["names_only_or_none"] += 1
        if len(plain) > 600:
            stats["long600"] += 1
        if "\n" in plain:
            stats["linebreak"] += 1
        if len(re.findall(r"[.!?](\s|$)", plain)) >= 3:
            stats["three_sentences"] += 1
        stats["lang"][language_of(plain)] += 1
        for cat, stext, s, e in spans:
            stats["cats"][cat] += 1
            if stext == "":
                errors.append("%s: empty span {%s:}" % (where, cat))
                continue
            if stext != stext.strip():
                errors.append("%s: untrimmed span {%s:%r}" % (where, cat, stext))
            if stext[-1] in ",;:!?":
                errors.append("%s: span ends with punctuation {%s:%s}" % (where, cat, stext))
            if "\n" in stext:
                errors.append("%s: span crosses a line break {%s:...}" % (where, cat))
            v = VALIDATORS.get(cat)
            if v:
                ok, msg = v(stext)
                if not ok:
                    errors.append("%s: %s" % (where, msg))
        for p in leak_scan(plain, spans):
            errors.append("%s: %s" % (where, p))
    n = stats["messages"]
    if n and not (40 <= n <= 60):
        errors.append("%s: %d messages (expected 40-60)" % (path, n))
    return errors, warnings, stats


def main(argv):
    md = "--markdown" in argv
    files = [a for a in argv if not a.startswith("--")]
    here = os.path.dirname(os.path.abspath(__file__))
    if not files:
        files = sorted(os.path.join(here, f) for f in os.listdir(here)
                       if f.endswith(".txt"))
    all_err, all_warn = [], []
    per_file = {}
    for f in files:
        e, w, s = check_file(f)
        all_err += e
        all_warn += w
        per_file[os.path.basename(f)] = s
    tot = {c: sum(s["cats"][c] for s in per_file.values()) for c in ALL_CATS}
    msgs = sum(s["messages"] for s in per_file.values())
    withr = sum(s["with_removal"] for s in per_file.values())
    lang = {k: sum(s["lang"][k] for s in per_file.values()) for k in ("cy", "gd", "sco", "en")}
    whole_batch = len(files) > 1
    if whole_batch:
        if msgs < MIN_MESSAGES:
            all_err.append("batch: %d messages (< %d)" % (msgs, MIN_MESSAGES))
        if not (9 <= len(files) <= 10):
            all_err.append("batch: %d files (expected 9 or 10)" % len(files))
        for c, m in MINIMA.items():
            if tot[c] < m:
                all_err.append("batch: category %s has %d spans (< %d)" % (c, tot[c], m))
        nonen = lang["cy"] + lang["gd"] + lang["sco"]
        if nonen < MIN_NON_ENGLISH:
            all_warn.append("batch: only %d messages detected as not mainly English "
                            "(heuristic; need %d)" % (nonen, MIN_NON_ENGLISH))

    # ---- report
    if md:
        print("| file | messages | with removable span | names only / nothing | >600 chars | with \\n | cy | gd | sco |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for f, s in per_file.items():
            print("| %s | %d | %d | %d | %d | %d | %d | %d | %d |" % (
                f, s["messages"], s["with_removal"], s["names_only_or_none"],
                s["long600"], s["linebreak"], s["lang"]["cy"], s["lang"]["gd"], s["lang"]["sco"]))
        print("| **total** | %d | %d | %d | %d | %d | %d | %d | %d |" % (
            msgs, withr, msgs - withr,
            sum(s["long600"] for s in per_file.values()),
            sum(s["linebreak"] for s in per_file.values()),
            lang["cy"], lang["gd"], lang["sco"]))
        print()
        short = {f: f.split("_", 1)[0] for f in per_file}
        print("| category | " + " | ".join(short[f] for f in per_file) + " | total | minimum |")
        print("|---|" + "---:|" * (len(per_file) + 2))
        for c in ALL_CATS:
            print("| %s | " % c + " | ".join(str(per_file[f]["cats"][c]) for f in per_file)
                  + " | %d | %s |" % (tot[c], MINIMA.get(c, "-")))
        print("| **all spans** | " + " | ".join(str(sum(per_file[f]["cats"].values())) for f in per_file)
              + " | %d | |" % sum(tot.values()))
    else:
        print("%-34s %5s %6s %5s %5s %4s %4s %4s %4s" % (
            "file", "msgs", "remove", ">600", "\\n", "cy", "gd", "sco", "3s+"))
        for f, s in per_file.items():
            print("%-34s %5d %6d %5d %5d %4d %4d %4d %4d" % (
                f, s["messages"], s["with_removal"], s["long600"], s["linebreak"],
                s["lang"]["cy"], s["lang"]["gd"], s["lang"]["sco"], s["three_sentences"]))
        print("%-34s %5d %6d" % ("TOTAL", msgs, withr))
        print()
        print("%-26s" % "category" + "".join("%5s" % f[:2] for f in per_file) + "  total   min")
        for c in ALL_CATS:
            print("%-26s" % c + "".join("%5d" % per_file[f]["cats"][c] for f in per_file)
                  + "  %5d %5s" % (tot[c], MINIMA.get(c, "-")))
        print()
        print("messages with something to remove: %d of %d (%.0f%%)" % (
            withr, msgs, 100.0 * withr / msgs if msgs else 0))
        print("not mainly English (heuristic): cy=%d gd=%d sco=%d total=%d" % (
            lang["cy"], lang["gd"], lang["sco"], lang["cy"] + lang["gd"] + lang["sco"]))
    for w in all_warn:
        print("WARNING: " + w, file=sys.stderr)
    for e in all_err:
        print("ERROR: " + e, file=sys.stderr)
    print("%d error(s), %d warning(s)" % (len(all_err), len(all_warn)), file=sys.stderr)
    return 1 if all_err else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
