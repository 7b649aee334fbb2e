//! Links Debian's spandsp (`libspandsp-dev`), found through pkg-config; 0.0.6 is the version
//! whose API `src/ffi.rs` declares.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if let Err(e) = pkg_config::Config::new()
        .range_version("0.0.6".."0.0.7")
        .probe("spandsp")
    {
        println!(
            "cargo:warning=spandsp not found through pkg-config ({e}); install libspandsp-dev and pkg-config"
        );
        std::process::exit(1);
    }
}
