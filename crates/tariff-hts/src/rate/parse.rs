//! The parser: rate-of-duty text to [`Rate`] trees.
//!
//! The parser works on cleaned text (known HTML tags removed, whitespace collapsed). A cell is
//! split into groups at every top-level parenthesized list of SPI codes; each group's text is a
//! rate. Rates are recognized in this order, first match wins:
//!
//! 1. keywords (`Free`, `No change`, `No additional duty`) and `Free, <condition>`;
//! 2. Chapter 99 bases (`The duty provided in the applicable subheading ...`);
//! 3. recognized rules in words ([`TextualKind`]);
//! 4. `See ...` references;
//! 5. `..., but if ...` provisos, `... but not less than ...` minimums and `... not to exceed
//!    ...` maximums (split at the first occurrence);
//! 6. compound rates (split at top-level `+`) of ad valorem, specific and sliding-scale parts.
//!
//! Phrases are matched ignoring ASCII case and whitespace, and a hyphen followed by a space
//! (a line-break hyphenation artifact such as `appli- cable`) is skipped inside them.

use super::ast::{
    Adjustment, BaseDuty, Component, HeadingRange, Money, Preposition, Rate, RateCell, RateError,
    RateGroup, Reference, TextualKind, UNIT_ALIASES, Unit, UnparsedReason,
};
use rust_decimal::Decimal;
use std::str::FromStr;

/// Maximum nesting of recursive forms (Chapter 99 adjustments, minimums, maximums, provisos).
const MAX_DEPTH: usize = 16;

/// Longest integer part and fractional part accepted in a number.
const MAX_INT_DIGITS: usize = 15;
const MAX_FRAC_DIGITS: usize = 12;

type PResult<T> = Result<T, RateError>;

fn err<T>(category: UnparsedReason, message: impl Into<String>) -> PResult<T> {
    Err(RateError::new(category, message))
}

/// Parses a whole cell.
pub(crate) fn parse_cell(input: &str) -> PResult<RateCell> {
    let text = clean(input)?;
    if text.is_empty() {
        return Ok(RateCell { groups: Vec::new() });
    }
    let mut groups = Vec::new();
    for (segment, programs) in split_groups(&text)? {
        let segment = segment.trim();
        if segment.is_empty() {
            return err(
                UnparsedReason::MissingRate,
                format!(
                    "program list ({}) without a rate before it",
                    programs.join(",")
                ),
            );
        }
        let rate = parse_rate_lenient(segment)?;
        groups.push(RateGroup { rate, programs });
    }
    Ok(RateCell { groups })
}

/// Removes the harmless HTML tags found in the USITC data (`<u></u>`, `<il></il>`,
/// `<sup>2</sup>`) and collapses whitespace. Any other `<` or `>` is an error.
pub(crate) fn clean(input: &str) -> PResult<String> {
    let mut out = String::with_capacity(input.len());
    let mut rest = input;
    while let Some(pos) = rest.find(['<', '>']) {
        out.push_str(&rest[..pos]);
        let tail = &rest[pos..];
        if tail.starts_with('>') {
            return err(UnparsedReason::Markup, "stray '>'");
        }
        let Some(end) = tail.find('>') else {
            return err(UnparsedReason::Markup, "unclosed '<'");
        };
        let name = tail[1..end].strip_prefix('/').unwrap_or(&tail[1..end]);
        if !matches!(
            name,
            "u" | "il" | "sup" | "sub" | "i" | "b" | "br" | "p" | "br/"
        ) {
            return err(
                UnparsedReason::Markup,
                format!("unknown markup {:?}", &tail[..=end]),
            );
        }
        rest = &tail[end + 1..];
    }
    out.push_str(rest);
    let mut collapsed = String::with_capacity(out.len());
    for word in out.split_whitespace() {
        if !collapsed.is_empty() {
            collapsed.push(' ');
        }
        collapsed.push_str(word);
    }
    Ok(collapsed)
}

/// Splits cleaned text into (rate text, programs) at each top-level parenthesized program
/// list. Text after the last program list becomes a group without programs.
fn split_groups(text: &str) -> PResult<Vec<(&str, Vec<String>)>> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut open = 0usize;
    let mut segment_start = 0usize;
    for (i, c) in text.char_indices() {
        match c {
            '(' => {
                if depth == 0 {
                    open = i;
                }
                depth += 1;
            }
            ')' => {
                if depth == 0 {
                    return err(UnparsedReason::UnbalancedParentheses, "')' without '('");
                }
                depth -= 1;
                if depth == 0
                    && let Some(programs) = program_list(&text[open + 1..i])
                {
                    out.push((&text[segment_start..open], programs));
                    segment_start = i + 1;
                }
            }
            _ => {}
        }
    }
    if depth != 0 {
        return err(UnparsedReason::UnbalancedParentheses, "'(' without ')'");
    }
    if !text[segment_start..].trim().is_empty() {
        out.push((&text[segment_start..], Vec::new()));
    }
    Ok(out)
}

/// The SPI codes of a parenthesized list such as `A+, AU,BH` or `B,C,`, or `None` if the text
/// is not a program list.
fn program_list(inner: &str) -> Option<Vec<String>> {
    let mut codes = Vec::new();
    for token in inner.split(|c: char| c == ',' || c.is_whitespace()) {
        let token = token.trim_start_matches('.');
        if token.is_empty() {
            continue;
        }
        if !is_program_code(token) {
            return None;
        }
        codes.push(token.to_string());
    }
    if codes.is_empty() { None } else { Some(codes) }
}

/// `A`, `AU`, `A+`, `E*`, `NP`: an uppercase letter, up to two more uppercase letters or
/// digits, and an optional `+` or `*`.
fn is_program_code(token: &str) -> bool {
    let body = token.strip_suffix(['+', '*']).unwrap_or(token);
    let bytes = body.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 3
        && bytes[0].is_ascii_uppercase()
        && bytes[1..]
            .iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// Parses a rate; if that fails and the text ends with a full stop, retries without it
/// (`The duty provided in the applicable subheading + 25%.`).
fn parse_rate_lenient(text: &str) -> PResult<Rate> {
    match parse_rate(text, 0) {
        Ok(rate) => Ok(rate),
        Err(error) => match text.strip_suffix('.') {
            Some(shorter) if !shorter.trim().is_empty() => {
                parse_rate(shorter.trim_end(), 0).map_err(|_| error)
            }
            _ => Err(error),
        },
    }
}

/// Matches `phrase` at the start of `text`, ignoring ASCII case and whitespace, and skipping
/// a hyphen followed by whitespace in `text`. Returns the rest of `text`, or `None`.
/// Does not check what follows the phrase.
fn eat_raw<'a>(text: &'a str, phrase: &str) -> Option<&'a str> {
    let mut chars = text.char_indices().peekable();
    let mut end = 0usize;
    for pc in phrase.chars().filter(|c| !c.is_whitespace()) {
        loop {
            let &(i, c) = chars.peek()?;
            if c.is_whitespace() {
                chars.next();
                continue;
            }
            if c == '-' && pc != '-' && text[i + 1..].starts_with(char::is_whitespace) {
                chars.next();
                continue;
            }
            if !c.eq_ignore_ascii_case(&pc) {
                return None;
            }
            chars.next();
            end = i + c.len_utf8();
            break;
        }
    }
    Some(&text[end..])
}

/// Like [`eat_raw`], but a phrase ending in a letter or digit must not be followed by a
/// letter or digit (so `free` does not match `freedom`).
fn eat<'a>(text: &'a str, phrase: &str) -> Option<&'a str> {
    let rest = eat_raw(text, phrase)?;
    let last = phrase.chars().last()?;
    if last.is_alphanumeric() && rest.starts_with(char::is_alphanumeric) {
        return None;
    }
    Some(rest)
}

/// True if `text` is exactly `phrase` (ignoring case and whitespace).
fn is_exactly(text: &str, phrase: &str) -> bool {
    eat(text, phrase).is_some_and(|rest| rest.trim().is_empty())
}

/// The byte index of the first ASCII-case-insensitive occurrence of `needle` (lowercase).
fn find_ci(text: &str, needle: &str) -> Option<usize> {
    text.to_ascii_lowercase().find(needle)
}

fn parse_rate(text: &str, depth: usize) -> PResult<Rate> {
    let text = text.trim();
    if text.is_empty() {
        return err(UnparsedReason::MissingRate, "empty rate");
    }
    if depth > MAX_DEPTH {
        return err(UnparsedReason::UnknownText, "rate nested too deeply");
    }
    if is_exactly(text, "free") {
        return Ok(Rate::Free);
    }
    if is_exactly(text, "no change") {
        return Ok(Rate::NoChange);
    }
    if is_exactly(text, "no additional duty") {
        return Ok(Rate::NoAdditionalDuty);
    }
    if let Some(rate) = parse_conditional_free(text) {
        return Ok(rate);
    }
    // A proviso, minimum or maximum after a Chapter 99 base or a textual rate is that
    // structure around it: otherwise the text would parse differently once printed
    // (`… repairsnot to exceed …` is a maximum of a textual rate, and so must
    // `… repairs but not to exceed …` be).
    let structured = find_ci(text, ", but if").is_some()
        || find_ci(text, " but not less").is_some()
        || find_ci(text, "not to exceed").is_some();
    match parse_additional(text, depth) {
        Ok(Some(rate)) => return Ok(rate),
        Ok(None) => {}
        // The split below reads it.
        Err(_) if structured => {}
        Err(e) => return Err(e),
    }
    if let Some(kind) = textual_kind(text)
        && !structured
    {
        return Ok(Rate::Textual {
            kind,
            text: text.to_string(),
        });
    }
    if let Some(rest) = eat(text, "see") {
        return parse_reference(rest.trim()).map(Rate::See);
    }
    if let Some(i) = find_ci(text, ", but if ") {
        let rate = parse_rate(&text[..i], depth + 1)?;
        let proviso = text[i + ", but ".len()..].trim().to_string();
        return Ok(Rate::Proviso {
            rate: Box::new(rate),
            proviso,
        });
    }
    if let Some(i) = find_ci(text, " but not less") {
        let left = text[..i].trim_end().trim_end_matches(',');
        let right = &text[i + " but not less".len()..];
        if right.starts_with(char::is_alphanumeric) {
            return err(
                UnparsedReason::UnknownText,
                format!("unrecognized {text:?}"),
            );
        }
        let right = eat(right, "than").unwrap_or(right);
        return Ok(Rate::Minimum {
            rate: Box::new(parse_rate(left, depth + 1)?),
            floor: Box::new(parse_rate(right, depth + 1)?),
        });
    }
    if let Some(i) = find_ci(text, "not to exceed") {
        let mut left = text[..i].trim_end();
        if let Some(without) = strip_suffix_ci(left, " but") {
            left = without;
        }
        let left = left.trim_end().trim_end_matches(',');
        let right = &text[i + "not to exceed".len()..];
        return Ok(Rate::Maximum {
            rate: Box::new(parse_rate(left, depth + 1)?),
            cap: Box::new(parse_rate(right, depth + 1)?),
        });
    }
    let parts = split_top_level_plus(text);
    if parts.len() > 1 {
        let parts = parts
            .into_iter()
            .map(parse_simple)
            .collect::<PResult<Vec<_>>>()?;
        return Ok(Rate::Compound(parts));
    }
    parse_simple(text)
}

fn strip_suffix_ci<'a>(text: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = text.len().checked_sub(suffix.len())?;
    (text.is_char_boundary(cut) && text[cut..].eq_ignore_ascii_case(suffix)).then(|| &text[..cut])
}

/// Splits at `+` outside parentheses.
fn split_top_level_plus(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut start = 0usize;
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            '+' if depth == 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

/// Words a `Free, <condition>` condition may start with.
const CONDITION_WORDS: &[&str] = &["under", "for", "see", "subject", "if", "as", "when"];

/// `Free, under bond, ...`, `Free, for such temporary periods ...`, `Free (See U.S. note 4 of
/// this subchapter)`.
fn parse_conditional_free(text: &str) -> Option<Rate> {
    let rest = eat(text, "free")?.trim_start();
    let condition = if let Some(cond) = rest.strip_prefix(',') {
        cond.trim()
    } else if let Some(inner) = rest.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        let inner = inner.trim();
        if inner.contains(['(', ')']) || eat(inner, "see").is_none() {
            return None;
        }
        inner
    } else {
        return None;
    };
    if !CONDITION_WORDS.iter().any(|w| eat(condition, w).is_some()) {
        return None;
    }
    Some(Rate::ConditionalFree {
        condition: condition.to_string(),
    })
}

/// Chapter 99 forms: `The duty provided in the applicable subheading + 25%`.
fn parse_additional(text: &str, depth: usize) -> PResult<Option<Rate>> {
    let (base, rest) = if let Some(rest) =
        eat(text, "the duty provided in the applicable subheading")
            .or_else(|| eat(text, "the duty provided for in the applicable subheading"))
    {
        (BaseDuty::ApplicableSubheading, rest)
    } else if let Some(rest) = eat(text, "the duty rate provided in such subheading") {
        (BaseDuty::SuchSubheading, rest)
    } else if let Some(rest) = eat(text, "the duty provided in subheadings") {
        let (codes, rest) = heading_list(rest);
        if codes.is_empty() {
            return err(
                UnparsedReason::UnknownText,
                format!("no subheadings in {text:?}"),
            );
        }
        (BaseDuty::Subheadings(codes), rest)
    } else {
        return Ok(None);
    };
    let rest = rest.trim();
    let adjustment = if rest.is_empty() {
        None
    } else if let Some(more) = rest.strip_prefix('+').or_else(|| eat(rest, "plus")) {
        Some(Adjustment::Plus(Box::new(parse_adjustment(more, depth)?)))
    } else if let Some(more) = eat(rest, "minus") {
        Some(Adjustment::Minus(Box::new(parse_adjustment(more, depth)?)))
    } else {
        return err(
            UnparsedReason::TrailingText,
            format!("unrecognized {rest:?} after the base duty"),
        );
    };
    Ok(Some(Rate::Additional { base, adjustment }))
}

fn parse_adjustment(text: &str, depth: usize) -> PResult<Rate> {
    let text = text.trim();
    let text = eat(text, "a duty of").unwrap_or(text);
    parse_rate(text, depth + 1)
}

/// A heading number as written: digits and dots, starting and ending with a digit.
fn heading_token(text: &str) -> Option<(&str, &str)> {
    let end = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let token = text[..end].trim_end_matches('.');
    if token.is_empty() || !token.starts_with(|c: char| c.is_ascii_digit()) || token.len() > 16 {
        return None;
    }
    Some((token, &text[token.len()..]))
}

/// `8716.39.00, 8716.90.30 or 8716.90.50 ...`: the codes and the rest.
fn heading_list(text: &str) -> (Vec<String>, &str) {
    let mut codes = Vec::new();
    let mut rest = text.trim_start();
    while let Some((code, after)) = heading_token(rest) {
        codes.push(code.to_string());
        let after = after.trim_start();
        let next = after
            .strip_prefix(',')
            .or_else(|| eat(after, "or"))
            .or_else(|| eat(after, "and"));
        match next {
            Some(next) if heading_token(next.trim_start()).is_some() => rest = next.trim_start(),
            _ => return (codes, after),
        }
    }
    (codes, rest)
}

/// `See 9903.88.15`, `See 9823.01.01-9823.08.01`, `See additional U.S. note 5`.
fn parse_reference(text: &str) -> PResult<Reference> {
    if eat(text, "additional u.s. note").is_some() || eat(text, "u.s. note").is_some() {
        return Ok(Reference::Note(text.to_string()));
    }
    let mut items = Vec::new();
    for item in text.split(',') {
        let item = item.trim();
        let (first, last) = match item.split_once('-') {
            Some((a, b)) => (a.trim(), Some(b.trim())),
            None => (item, None),
        };
        let valid = |code: &str| heading_token(code).is_some_and(|(_, rest)| rest.is_empty());
        if !valid(first) || !last.is_none_or(valid) {
            return err(
                UnparsedReason::UnknownText,
                format!("unrecognized reference {text:?}"),
            );
        }
        items.push(HeadingRange {
            first: first.to_string(),
            last: last.map(str::to_string),
        });
    }
    Ok(Reference::Headings(items))
}

/// Recognized rules in words, by the phrase they start with.
const TEXTUAL: &[(&str, TextualKind)] = &[
    (
        "the rate applicable to the article of which it is",
        TextualKind::ArticleOfWhichPart,
    ),
    (
        "the rate applicable to each garment in the",
        TextualKind::EachGarmentSeparately,
    ),
    (
        "the rate of duty applicable to that article in the set",
        TextualKind::HighestRateInSet,
    ),
    (
        "the rate applicable to the complete, assembled",
        TextualKind::CompleteMovement,
    ),
    (
        "the rate applicable to the natural juice",
        TextualKind::NaturalJuice,
    ),
    (
        "the rate applicable in the absence of this",
        TextualKind::AbsentThisProvision,
    ),
    (
        "the rate applicable to each article in the absence of this",
        TextualKind::AbsentThisProvision,
    ),
    (
        "the rate applicable, to each article in the absence of this",
        TextualKind::AbsentThisProvision,
    ),
    (
        "the duty rate provided for originating goods of",
        TextualKind::ProgramRate,
    ),
    (
        "the rate provided for beneficiary countries",
        TextualKind::ProgramRate,
    ),
    (
        "a duty upon the value of the repairs",
        TextualKind::ValueOfRepairs,
    ),
    (
        "a duty upon the value of such processing",
        TextualKind::ValueOfProcessing,
    ),
    (
        "a duty upon the full value of the imported article",
        TextualKind::ValueLessUsContent,
    ),
    (
        "a duty (in lieu of any other duty or tax) equal to",
        TextualKind::ReturnedExports,
    ),
    (
        "a duty equal to the duty upon the importation of like articles",
        TextualKind::ReturnedExports,
    ),
];

fn textual_kind(text: &str) -> Option<TextualKind> {
    TEXTUAL
        .iter()
        .find(|(phrase, _)| eat(text, phrase).is_some())
        .map(|&(_, kind)| kind)
}

/// A number: ASCII digits with an optional fractional part.
fn number(text: &str) -> PResult<Option<(Decimal, &str)>> {
    let int_end = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    if int_end == 0 {
        return Ok(None);
    }
    let mut end = int_end;
    let mut frac_digits = 0;
    if let Some(frac) = text[int_end..].strip_prefix('.') {
        frac_digits = frac
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(frac.len());
        if frac_digits > 0 {
            end = int_end + 1 + frac_digits;
        }
    }
    if int_end > MAX_INT_DIGITS || frac_digits > MAX_FRAC_DIGITS {
        return err(
            UnparsedReason::BadNumber,
            format!("number {:?} too long", &text[..end]),
        );
    }
    match Decimal::from_str(&text[..end]) {
        Ok(value) => Ok(Some((value, &text[end..]))),
        Err(e) => err(
            UnparsedReason::BadNumber,
            format!("number {:?}: {e}", &text[..end]),
        ),
    }
}

/// What a simple rate starts with.
enum Head {
    Percent(Decimal),
    Money(Money),
}

/// `2.5%`, `3 percent`, `4.4¢`, `$1.035`: the head and the rest.
fn head(text: &str) -> PResult<(Head, &str)> {
    if let Some(after) = text.strip_prefix('$') {
        let Some((value, rest)) = number(after.trim_start())? else {
            return err(
                UnparsedReason::BadNumber,
                format!("'$' without a number in {text:?}"),
            );
        };
        return Ok((Head::Money(Money::dollars(value)), rest));
    }
    let Some((value, rest)) = number(text)? else {
        return err(
            UnparsedReason::UnknownText,
            format!("unrecognized {text:?}"),
        );
    };
    let rest = rest.trim_start();
    if let Some(rest) = rest.strip_prefix('%') {
        return Ok((Head::Percent(value), rest));
    }
    if let Some(rest) = eat(rest, "percent") {
        return Ok((Head::Percent(value), rest));
    }
    if let Some(rest) = rest.strip_prefix('¢') {
        return Ok((Head::Money(Money::cents(value)), rest));
    }
    let b = rest.as_bytes();
    if b.first().is_some_and(u8::is_ascii_digit) && rest.contains('/') && rest.contains('%') {
        return err(
            UnparsedReason::Fraction,
            format!("fraction in {text:?} cannot be held exactly"),
        );
    }
    err(
        UnparsedReason::UnknownText,
        format!("number without '%' or '¢' in {text:?}"),
    )
}

/// The unit after a money amount: ` each`, ` for each other piece or part`, `/kg`.
fn unit(text: &str) -> PResult<(Unit, &str)> {
    let text = text.trim_start();
    if let Some(rest) = eat(text, "each") {
        return Ok((Unit::Each, rest));
    }
    if let Some(rest) = eat(text, "for each other piece or part") {
        return Ok((Unit::OtherPiece, rest));
    }
    let Some(after) = text.strip_prefix('/') else {
        return err(UnparsedReason::UnknownUnit, format!("no unit in {text:?}"));
    };
    let mut best: Option<(usize, Unit, &str)> = None;
    for (unit, aliases) in UNIT_ALIASES {
        for alias in *aliases {
            let Some(rest) = eat_raw(after, alias) else {
                continue;
            };
            let last = alias.chars().last().unwrap_or(' ');
            let next = rest.chars().next().unwrap_or(' ');
            let same_class = (last.is_alphabetic() && next.is_alphabetic())
                || (last.is_ascii_digit() && next.is_ascii_digit());
            if !same_class && best.is_none_or(|(len, _, _)| alias.len() > len) {
                best = Some((alias.len(), *unit, rest));
            }
        }
    }
    match best {
        Some((_, unit, rest)) => Ok((unit, rest)),
        None => err(
            UnparsedReason::UnknownUnit,
            format!("unknown unit in {text:?}"),
        ),
    }
}

/// Known misspellings of component text in the data, and their corrections.
const COMPONENT_TYPOS: &[(&str, &str)] = &[
    ("drained weght", "drained weight"),
    ("thebattery", "the battery"),
];

/// ` on the case`, ` of total sugars`, ` upon the value of the steel content`,
/// `, including weight of container`, or nothing.
fn component(text: &str) -> PResult<Option<Component>> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let (preposition, rest) = if let Some(rest) = text
        .strip_prefix(',')
        .and_then(|r| eat(r.trim_start(), "including"))
    {
        (Preposition::Including, rest)
    } else if let Some(rest) = eat(text, "upon") {
        (Preposition::Upon, rest)
    } else if let Some(rest) = eat(text, "on") {
        (Preposition::On, rest)
    } else if let Some(rest) = eat(text, "of") {
        (Preposition::Of, rest)
    } else {
        return err(
            UnparsedReason::TrailingText,
            format!("unrecognized {text:?} after a rate"),
        );
    };
    let mut component = rest.trim().to_string();
    while component.ends_with(['.', ' ']) {
        component.pop();
    }
    for (typo, fixed) in COMPONENT_TYPOS {
        if component == *typo {
            component = (*fixed).to_string();
        }
    }
    if component.is_empty() {
        return err(
            UnparsedReason::TrailingText,
            format!("{text:?} names no component"),
        );
    }
    Ok(Some(Component {
        preposition,
        text: component,
    }))
}

/// An ad valorem, specific or sliding-scale rate with an optional component.
fn parse_simple(text: &str) -> PResult<Rate> {
    let text = text.trim();
    if text.is_empty() {
        return err(UnparsedReason::MissingRate, "empty part of a compound rate");
    }
    match head(text)? {
        (Head::Percent(percent), rest) => Ok(Rate::AdValorem {
            percent,
            on: component(rest)?,
        }),
        (Head::Money(amount), rest) => {
            let (unit, rest) = unit(rest)?;
            if let Some(after) = eat(rest.trim_start(), "less") {
                return sliding_scale(amount, unit, after, text);
            }
            Ok(Rate::Specific {
                amount,
                unit,
                on: component(rest)?,
            })
        }
    }
}

/// The rest of `1.4606¢/kg less 0.020668¢/kg for each degree under 100 degrees (and fractions
/// of a degree in proportion)` after `less`.
fn sliding_scale(base: Money, unit: Unit, after: &str, whole: &str) -> PResult<Rate> {
    let bad = || {
        err(
            UnparsedReason::UnknownText,
            format!("unrecognized sliding scale {whole:?}"),
        )
    };
    let (Head::Money(less), rest) = head(after.trim_start())? else {
        return bad();
    };
    let (less_unit, rest) = self::unit(rest)?;
    if less_unit != unit {
        return bad();
    }
    let Some(rest) = eat(rest.trim_start(), "for each degree under") else {
        return bad();
    };
    let Some((degrees, rest)) = number(rest.trim_start())? else {
        return bad();
    };
    let Some(rest) = eat(rest.trim_start(), "degrees") else {
        return bad();
    };
    let rest = eat(
        rest.trim_start(),
        "(and fractions of a degree in proportion)",
    )
    .unwrap_or(rest);
    if !rest.trim().is_empty() {
        return bad();
    }
    Ok(Rate::SlidingScale {
        base,
        less,
        unit,
        degrees,
    })
}
