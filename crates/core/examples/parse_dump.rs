fn main() {
    for p in std::env::args().skip(1) {
        let bytes = std::fs::read(&p).unwrap();
        match casebook_core::import::parse_file(&p, &bytes) {
            Ok(es) => {
                for e in es {
                    println!("== {p} {:?} {:?}", e.locator, e.format);
                    match e.result {
                        Ok(cs) => {
                            let b = cs.body_markdown.clone();
                            let mut c = cs;
                            c.body_markdown = String::new();
                            println!("{c:#?}\n---BODY---\n{b}");
                        }
                        Err(err) => println!("ERR {err}"),
                    }
                }
            }
            Err(e) => println!("== {p} FILE ERR {e}"),
        }
    }
}
