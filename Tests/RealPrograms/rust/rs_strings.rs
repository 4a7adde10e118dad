// Unicode text in Rust: chars and grapheme-blind reversal, case mapping with
// std's tables, char_indices, a tokenizer with byte offsets, a Caesar cipher
// and a word-wrap, over arguments and embedded text.
// run: Grüße aus Köln — ½ ∑ 日本語
// exit: 0
#[derive(Debug, PartialEq)]
enum Token<'a> {
    Ident(&'a str),
    Number(f64),
    Str(String),
    Symbol(char),
}

fn tokenize(source: &str) -> Vec<(usize, Token)> {
    let mut tokens = Vec::new();
    let mut chars = source.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c.is_alphabetic() || c == '_' {
            let mut end = start;
            while let Some(&(i, c)) = chars.peek() {
                if !(c.is_alphanumeric() || c == '_') {
                    break;
                }
                end = i + c.len_utf8();
                chars.next();
            }
            tokens.push((start, Token::Ident(&source[start..end])));
        } else if c.is_ascii_digit() {
            let mut end = start;
            while let Some(&(i, c)) = chars.peek() {
                if !(c.is_ascii_digit() || c == '.') {
                    break;
                }
                end = i + 1;
                chars.next();
            }
            tokens.push((start, Token::Number(source[start..end].parse().unwrap())));
        } else if c == '"' {
            chars.next();
            let mut text = String::new();
            while let Some((_, c)) = chars.next() {
                match c {
                    '"' => break,
                    '\\' => text.push(match chars.next().map(|(_, e)| e) {
                        Some('n') => '\n',
                        Some(other) => other,
                        None => '\\',
                    }),
                    _ => text.push(c),
                }
            }
            tokens.push((start, Token::Str(text)));
        } else {
            tokens.push((start, Token::Symbol(c)));
            chars.next();
        }
    }
    tokens
}

fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let line = lines.last_mut().unwrap();
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(word.to_string());
        } else {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    lines
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let text = args.join(" ");
    println!("{} bytes, {} chars", text.len(), text.chars().count());
    println!("upper: {}", text.to_uppercase());
    println!("lower: {}", text.to_lowercase());
    println!("reversed: {}", text.chars().rev().collect::<String>());
    for (i, c) in text.char_indices().filter(|(_, c)| !c.is_ascii()) {
        println!("  {:>2}: {:?} U+{:04X} alphabetic={} numeric={} len={}", i, c, c as u32, c.is_alphabetic(), c.is_numeric(), c.len_utf8());
    }
    let source = "let größe = 3.25 * (breite_2 + 10);\nprint(\"Größe:\\n\", größe)";
    for (offset, token) in tokenize(source) {
        println!("{:>3} {:?}", offset, token);
    }
    let secret: String = "Attack at dawn, Zürich!"
        .chars()
        .map(|c| match c {
            'a'..='z' => (((c as u8 - b'a' + 3) % 26) + b'a') as char,
            'A'..='Z' => (((c as u8 - b'A' + 3) % 26) + b'A') as char,
            _ => c,
        })
        .collect();
    println!("caesar: {}", secret);
    let prose = "Straße, façade, naïve café: Unicode text is sliced on char boundaries, never in the middle of a code point; \
                 the byte length and the char count differ.";
    for line in wrap(prose, 28) {
        println!("|{:<28}|", line);
    }
    let mut words: Vec<&str> = prose.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    words.sort_by_key(|w| (std::cmp::Reverse(w.chars().count()), w.to_lowercase()));
    println!("longest words: {:?}", &words[..5]);
    println!("find 'café' at byte {:?}, starts_with {}, replace {}", prose.find("café"), prose.starts_with("Straße"), "a-b-c".replace('-', "→"));
    let bytes = "héllo".as_bytes();
    println!("{:?} valid={} lossy={}", bytes, std::str::from_utf8(&bytes[..2]).is_ok(), String::from_utf8_lossy(&bytes[..2]));
}
