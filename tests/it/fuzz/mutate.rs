//! Mutations of text and bytes: byte flips, insert/delete runs, splices of two files,
//! duplicated and deleted lines, quote/delimiter/NUL/BOM insertions, numeric tokens replaced by
//! extreme values, and TOML key/value mutations.

use super::rng::Rng;

/// Largest mutated input (bytes); longer results are truncated.
pub const MAX_INPUT: usize = 256 * 1024;

/// Numbers at the edges of what a parser or a numeric routine can take.
pub const EXTREME_NUMBERS: &[&str] = &[
    "1e308",
    "-1e308",
    "1e309",
    "-1e309",
    "1e-320",
    "4.9e-324",
    "-0",
    "-0.0",
    "0",
    "-1",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "Infinity",
    "99999999999",
    "999999999999999999999999",
    "18446744073709551615",
    "18446744073709551616",
    "9223372036854775807",
    "-9223372036854775808",
    "4294967296",
    "2147483648",
    "1e-300",
    "1e-12",
    "0.9999999999999999",
    "1.0000000000000002",
    "1e15",
    "1_000",
    "+1",
    ".5",
    "5.",
    "1,5",
    "0x10",
    "1e",
    "--1",
];

/// Byte strings that change how a delimited or TOML file splits.
const TOKENS: &[&[u8]] = &[
    b"\"",
    b"\"\"",
    b",",
    b";",
    b"\t",
    b"|",
    b"\n",
    b"\r\n",
    b"\r",
    b"\0",
    b"\xEF\xBB\xBF",
    b"\xFF\xFE",
    b"\xFE\xFF",
    b"\xC3",
    b"\xFF",
    b"sep=;\n",
    b"sep=\n",
    b"NA",
    b"=",
    b"[",
    b"]",
    b"[[",
    b"{",
    b"}",
    b"'",
    b"'''",
    b"\"\"\"",
    b"#",
    b"\\",
    b"\\u0000",
    b"\xE2\x80\xAF",
    b"\xC2\xA0",
    b" ",
];

/// TOML values of every type, including extreme and wrong ones.
const TOML_VALUES: &[&str] = &[
    "true",
    "false",
    "\"\"",
    "\"x\"",
    "\"NaN\"",
    "[]",
    "[1, 2]",
    "[\"a\", \"a\"]",
    "{}",
    "{ a = 1 }",
    "1979-05-27",
    "1979-05-27T07:32:00Z",
    "nan",
    "+inf",
    "-inf",
    "0.5",
    "1.5",
    "-0.5",
    "0",
    "1",
    "2",
    "3",
    "-1",
    "1e-300",
    "1e300",
    "100000000",
    "1000000000000",
    "9223372036854775807",
    "-9223372036854775808",
    "\"..\"",
    "\"/dev/zero\"",
    "\"/\"",
    "\"\\u0000\"",
];

/// Apply 1 to 4 mutations (more rarely up to 8) to `input`; `others` are the other seeds of
/// the target, for splices and key vocabulary.
pub fn mutate(rng: &mut Rng, input: &[u8], others: &[Vec<u8>]) -> Vec<u8> {
    let mut out = input.to_vec();
    let rounds = if rng.one_in(8) {
        1 + rng.below(8)
    } else {
        1 + rng.below(4)
    };
    for _ in 0..rounds {
        mutate_once(rng, &mut out, others);
        out.truncate(MAX_INPUT);
    }
    out
}

fn mutate_once(rng: &mut Rng, out: &mut Vec<u8>, others: &[Vec<u8>]) {
    match rng.below(15) {
        0 => flip_bit(rng, out),
        1 => set_byte(rng, out),
        2 => insert_run(rng, out),
        3 => delete_run(rng, out),
        4 => duplicate_line(rng, out),
        5 => delete_line(rng, out),
        6 => splice(rng, out, others),
        7 | 8 => insert_token(rng, out),
        9 | 10 => replace_number(rng, out),
        11 | 12 => toml_mutation(rng, out, others),
        13 => truncate(rng, out),
        _ => swap_lines(rng, out),
    }
}

fn flip_bit(rng: &mut Rng, out: &mut [u8]) {
    if !out.is_empty() {
        let i = rng.below(out.len());
        out[i] ^= 1 << rng.below(8);
    }
}

fn set_byte(rng: &mut Rng, out: &mut [u8]) {
    if !out.is_empty() {
        let i = rng.below(out.len());
        out[i] = *rng.pick(b"\0\x01\x7f\x80\xff\"',;\t\n\r=[]{}#.-+e0123456789 ");
    }
}

fn insert_run(rng: &mut Rng, out: &mut Vec<u8>) {
    let at = rng.below(out.len() + 1);
    let n = rng.len(4096);
    let run: Vec<u8> = if rng.one_in(2) {
        vec![*rng.pick(b"\0\"a,;\t\n9 \xff"); n]
    } else {
        (0..n).map(|_| rng.next_u64() as u8).collect()
    };
    out.splice(at..at, run);
}

fn delete_run(rng: &mut Rng, out: &mut Vec<u8>) {
    if out.is_empty() {
        return;
    }
    let at = rng.below(out.len());
    let n = rng.len(out.len() - at);
    out.drain(at..at + n);
}

/// Byte ranges of the lines of `out` (each including its `\n`).
fn lines(out: &[u8]) -> Vec<(usize, usize)> {
    let mut v = Vec::new();
    let mut start = 0;
    for (i, &b) in out.iter().enumerate() {
        if b == b'\n' {
            v.push((start, i + 1));
            start = i + 1;
        }
    }
    if start < out.len() {
        v.push((start, out.len()));
    }
    v
}

fn duplicate_line(rng: &mut Rng, out: &mut Vec<u8>) {
    let ls = lines(out);
    if ls.is_empty() {
        return;
    }
    let (a, b) = *rng.pick(&ls);
    let mut line = out[a..b].to_vec();
    if !line.ends_with(b"\n") {
        line.push(b'\n');
    }
    let copies = if rng.one_in(4) { rng.len(200) } else { 1 };
    let at = rng.pick(&ls).0;
    let block: Vec<u8> = line.repeat(copies);
    out.splice(at..at, block);
}

fn delete_line(rng: &mut Rng, out: &mut Vec<u8>) {
    let ls = lines(out);
    if !ls.is_empty() {
        let (a, b) = *rng.pick(&ls);
        out.drain(a..b);
    }
}

fn swap_lines(rng: &mut Rng, out: &mut Vec<u8>) {
    let ls = lines(out);
    if ls.len() < 2 {
        return;
    }
    let i = rng.below(ls.len());
    let j = rng.below(ls.len());
    let (i, j) = (i.min(j), i.max(j));
    if i == j {
        return;
    }
    let (a, b) = ls[i];
    let (c, d) = ls[j];
    let mut v = Vec::with_capacity(out.len());
    v.extend_from_slice(&out[..a]);
    v.extend_from_slice(&out[c..d]);
    v.extend_from_slice(&out[b..c]);
    v.extend_from_slice(&out[a..b]);
    v.extend_from_slice(&out[d..]);
    *out = v;
}

/// A prefix of this input and a suffix of another seed (or a run of lines from it inserted).
fn splice(rng: &mut Rng, out: &mut Vec<u8>, others: &[Vec<u8>]) {
    if others.is_empty() {
        return;
    }
    let other = rng.pick(others);
    if rng.one_in(2) {
        let cut = rng.below(out.len() + 1);
        let from = rng.below(other.len() + 1);
        out.truncate(cut);
        out.extend_from_slice(&other[from..]);
    } else {
        let ls = lines(other);
        if ls.is_empty() {
            return;
        }
        let first = rng.below(ls.len());
        let last = (first + rng.len(20)).min(ls.len()) - 1;
        let block = other[ls[first].0..ls[last].1].to_vec();
        let own = lines(out);
        let at = own.get(rng.below(own.len().max(1))).map_or(0, |l| l.0);
        out.splice(at..at, block);
    }
}

fn insert_token(rng: &mut Rng, out: &mut Vec<u8>) {
    let token = *rng.pick(TOKENS);
    let at = if rng.one_in(6) {
        0
    } else {
        rng.below(out.len() + 1)
    };
    out.splice(at..at, token.iter().copied());
}

fn truncate(rng: &mut Rng, out: &mut Vec<u8>) {
    let at = rng.below(out.len() + 1);
    out.truncate(at);
}

/// Byte ranges of numeric-looking tokens: an optional sign, digits, `.`, exponent.
fn numbers(out: &[u8]) -> Vec<(usize, usize)> {
    let mut v = Vec::new();
    let mut i = 0;
    while i < out.len() {
        if out[i].is_ascii_digit() {
            let mut a = i;
            if a > 0 && out[a - 1] == b'-' {
                a -= 1;
            }
            let mut b = i;
            while b < out.len() && (out[b].is_ascii_digit() || matches!(out[b], b'.' | b'e' | b'E'))
            {
                b += 1;
            }
            v.push((a, b));
            i = b;
        } else {
            i += 1;
        }
    }
    v
}

fn replace_number(rng: &mut Rng, out: &mut Vec<u8>) {
    let ns = numbers(out);
    if ns.is_empty() {
        return insert_token(rng, out);
    }
    let value = *rng.pick(EXTREME_NUMBERS);
    // Sometimes every number of one value, so a whole column (or every size key) changes.
    if rng.one_in(5) {
        let (a, b) = *rng.pick(&ns);
        let old = out[a..b].to_vec();
        let mut v = Vec::with_capacity(out.len());
        let mut last = 0;
        for &(x, y) in &ns {
            if out[x..y] == old[..] {
                v.extend_from_slice(&out[last..x]);
                v.extend_from_slice(value.as_bytes());
                last = y;
            }
        }
        v.extend_from_slice(&out[last..]);
        *out = v;
    } else {
        let (a, b) = *rng.pick(&ns);
        out.splice(a..b, value.bytes());
    }
}

/// `key = value` lines of a TOML text: (line start, end of key, start of value, line end).
fn assignments(out: &[u8]) -> Vec<(usize, usize, usize, usize)> {
    let mut v = Vec::new();
    for (a, b) in lines(out) {
        let line = &out[a..b];
        if let Some(eq) = line.iter().position(|&c| c == b'=') {
            let key = &line[..eq];
            if !key.is_empty()
                && key
                    .iter()
                    .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.' | b' '))
            {
                let mut end = b;
                while end > a + eq + 1 && matches!(out[end - 1], b'\n' | b'\r') {
                    end -= 1;
                }
                v.push((a, a + eq, a + eq + 1, end));
            }
        }
    }
    v
}

/// Table headers (`[x]`, `[[x]]`) of a TOML text.
fn headers(text: &[u8]) -> Vec<Vec<u8>> {
    lines(text)
        .into_iter()
        .map(|(a, b)| text[a..b].to_vec())
        .filter(|l| l.starts_with(b"["))
        .collect()
}

/// Key and value mutations of TOML: a value replaced (by any type, extreme numbers included),
/// a key renamed to another known key, an assignment copied under another table, a table
/// header inserted or duplicated.
fn toml_mutation(rng: &mut Rng, out: &mut Vec<u8>, others: &[Vec<u8>]) {
    let own = assignments(out);
    if own.is_empty() {
        return insert_token(rng, out);
    }
    let (line_a, key_end, val_a, line_end) = *rng.pick(&own);
    match rng.below(5) {
        0 | 1 => {
            let value: Vec<u8> = if rng.one_in(3) {
                format!(" {}", rng.pick(EXTREME_NUMBERS)).into_bytes()
            } else if rng.one_in(8) {
                format!(" \"{}\"", "x".repeat(rng.len(100_000))).into_bytes()
            } else {
                format!(" {}", rng.pick(TOML_VALUES)).into_bytes()
            };
            out.splice(val_a..line_end, value);
        }
        2 => {
            // rename the key to one from any seed
            let source = if others.is_empty() || rng.one_in(2) {
                out.clone()
            } else {
                rng.pick(others).clone()
            };
            let keys = assignments(&source);
            if let Some(&(a, e, _, _)) = keys.get(rng.below(keys.len().max(1))) {
                let key = source[a..e].to_vec();
                out.splice(line_a..key_end, key);
            }
        }
        3 => {
            // an assignment from any seed, inserted at a random line
            let source = if others.is_empty() {
                out.clone()
            } else {
                rng.pick(others).clone()
            };
            let keys = assignments(&source);
            if let Some(&(a, _, _, e)) = keys.get(rng.below(keys.len().max(1))) {
                let mut line = source[a..e].to_vec();
                line.push(b'\n');
                let ls = lines(out);
                let at = ls.get(rng.below(ls.len().max(1))).map_or(0, |l| l.0);
                out.splice(at..at, line);
            }
        }
        _ => {
            // a table header from any seed
            let source = if others.is_empty() || rng.one_in(3) {
                out.clone()
            } else {
                rng.pick(others).clone()
            };
            let hs = headers(&source);
            if !hs.is_empty() {
                let mut h = rng.pick(&hs).clone();
                if !h.ends_with(b"\n") {
                    h.push(b'\n');
                }
                let ls = lines(out);
                let at = ls.get(rng.below(ls.len().max(1))).map_or(0, |l| l.0);
                out.splice(at..at, h);
            }
        }
    }
}

/// Arbitrary bytes: 0 to 2 KiB, sometimes from a small alphabet so they get past a tokenizer.
pub fn arbitrary(rng: &mut Rng) -> Vec<u8> {
    let n = rng.below(2049);
    if rng.one_in(2) {
        let alphabet: &[u8] = b"a1.,;\"\n=[]- e";
        (0..n).map(|_| *rng.pick(alphabet)).collect()
    } else {
        (0..n).map(|_| rng.next_u64() as u8).collect()
    }
}
