fn main() {
    println!("casebook");
}
