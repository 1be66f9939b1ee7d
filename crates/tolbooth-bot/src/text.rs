//! Trimming a passage to an answer a visitor can read in a chat bubble.

/// The longest answer shown, in characters, before "…".
pub const ANSWER_CHARS: usize = 420;

/// Whole lines and sentences from the start of the passage, up to
/// `limit` characters; a first sentence longer than that is cut at a word
/// with "…".
pub fn readable_answer(text: &str, limit: usize) -> String {
    let mut out = String::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        for sentence in sentences(line) {
            let needed = out.chars().count() + sentence.chars().count() + 1;
            if needed > limit {
                if out.is_empty() {
                    return cut(sentence, limit);
                }
                return out;
            }
            if !out.is_empty() {
                out.push(if sentence_starts_line(line, sentence) {
                    '\n'
                } else {
                    ' '
                });
            }
            out.push_str(sentence);
        }
    }
    out
}

fn sentence_starts_line(line: &str, sentence: &str) -> bool {
    line.starts_with(sentence)
}

/// Splits after ". ", "? " and "! " (not after a single capital, as in
/// "J. Smith", nor inside numbers such as "£1.50").
fn sentences(line: &str) -> Vec<&str> {
    let bytes = line.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    for i in 0..bytes.len().saturating_sub(1) {
        let end_mark = matches!(bytes[i], b'.' | b'?' | b'!');
        if end_mark && bytes[i + 1] == b' ' {
            let word_start = line[..i].rfind(' ').map_or(0, |p| p + 1);
            let is_initial = i - word_start == 1 && bytes[word_start].is_ascii_uppercase();
            if !is_initial {
                out.push(line[start..=i].trim());
                start = i + 2;
            }
        }
    }
    if start < line.len() {
        out.push(line[start..].trim());
    }
    out.into_iter().filter(|s| !s.is_empty()).collect()
}

fn cut(sentence: &str, limit: usize) -> String {
    let mut out = String::new();
    for word in sentence.split(' ') {
        if out.chars().count() + word.chars().count() + 2 > limit {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_sentences_up_to_the_limit() {
        let text = "Bins are collected every fortnight. Put them out by 7am. Garden waste is separate.\n• Brown bin: garden waste";
        assert_eq!(
            readable_answer(text, 60),
            "Bins are collected every fortnight. Put them out by 7am."
        );
        assert_eq!(readable_answer(text, 1000).lines().count(), 2);
        assert_eq!(
            readable_answer("A fee of £1.50 applies. Ask J. Smith.", 100),
            "A fee of £1.50 applies. Ask J. Smith."
        );
    }

    #[test]
    fn a_long_first_sentence_is_cut_at_a_word() {
        let long = "word ".repeat(200);
        let answer = readable_answer(&long, 50);
        assert!(answer.ends_with('…'));
        assert!(answer.chars().count() <= 50);
        assert_eq!(readable_answer("", 50), "");
        assert_eq!(readable_answer("ééé ééé. ü", 5), "ééé…");
    }
}
