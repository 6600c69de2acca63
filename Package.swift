// swift-tools-version: 6.1
import PackageDescription

// Dependencies point one way: CLMDB -> LMDB -> AccessLabLog -> AccessLabSimulation -> AccessLabScenario -> AccessLabCLI -> accesslab.
// AccessLabProjections folds events into access state; it is pure and sits beside the log, under the simulation.
// AccessLabEvents is pure (no I/O) and sits under the log.
let package = Package(
    name: "AccessLab",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "accesslab", targets: ["accesslab"]),
        .library(name: "AccessLabEvents", targets: ["AccessLabEvents"]),
        .library(name: "AccessLabLog", targets: ["AccessLabLog"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // No default traits: they add swift-configuration (and its dependencies) to every build for nothing serve uses.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
    ],
    targets: [
        .systemLibrary(
            name: "CLMDB",
            pkgConfig: "lmdb",
            providers: [.apt(["liblmdb-dev"])]
        ),
        .target(name: "LMDB", dependencies: ["CLMDB"]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // A header alone: the sixteen-byte scan of JSON strings, in SSE2 where the target has it.
        .systemLibrary(name: "CJSONScan"),
        // The log's chain hashes every event: OpenSSL's SHA-256 on a stack context allocates nothing per event,
        // where swift-crypto's SHA256 allocates and frees a context class per digest.
        .systemLibrary(name: "CLibcrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .target(name: "AccessLabEvents"),
        .target(
            name: "AccessLabLog",
            dependencies: [
                "LMDB", "AccessLabEvents", "CLibcrypto",
            ]
        ),
        .target(name: "AccessLabProjections", dependencies: ["AccessLabEvents"]),
        // An independent second reading of a run's log: it must not share code with the meter or the projections.
        .target(name: "AccessLabCheck", dependencies: ["AccessLabEvents", "AccessLabLog"]),
        .target(name: "AccessLabPolicy"),
        // AWS's wire formats (shapes generated from botocore's models, ids, ARNs, paging): the one place they are written.
        .target(name: "AccessLabAWS", dependencies: ["CJSONScan", "AccessLabEvents"]),
        // The edge where a real organisation comes in: AWS exports (and later CloudTrail) turned into events.
        .target(name: "AccessLabImport", dependencies: [
            "CZlib", "AccessLabAWS", "AccessLabEvents", "AccessLabLog", "AccessLabProjections", .product(name: "HeapModule", package: "swift-collections"),
        ]),
        .target(name: "AccessLabQuery", dependencies: ["AccessLabAWS", "AccessLabEvents", "AccessLabLog", "AccessLabProjections", "AccessLabPolicy"]),
        .target(
            name: "AccessLabSimulation",
            dependencies: [
                "AccessLabEvents", "AccessLabLog", "AccessLabProjections",
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            // The simulation is one class whose properties are modified on every event; run-time
            // exclusivity checks on them were 7% of its thread (callgrind). Debug builds, which every
            // test runs, keep the checks, so a violation still traps there.
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
        ),
        .target(
            name: "AccessLabScenario",
            dependencies: [
                "AccessLabEvents", "AccessLabProjections", "AccessLabQuery", "AccessLabSimulation",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // `serve`: AWS's APIs, SCIM and the control calls answered by a simulation on virtual time. No HTTP here:
        // requests and responses are values, so every route is testable without a socket.
        .target(
            name: "AccessLabServe",
            dependencies: [
                "AccessLabAWS", "AccessLabEvents", "AccessLabLog", "AccessLabPolicy", "AccessLabProjections", "AccessLabQuery", "AccessLabSimulation",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The socket: Hummingbird hands each HTTP request to AccessLabServe and writes its answer back.
        .target(
            name: "AccessLabServeHTTP",
            dependencies: ["AccessLabServe", .product(name: "Hummingbird", package: "hummingbird")]
        ),
        .target(name: "AccessLabSweep", dependencies: ["AccessLabEvents", "AccessLabSimulation"]),
        .target(name: "AccessLabReport", dependencies: ["AccessLabSimulation", "AccessLabSweep"]),
        .target(
            name: "AccessLabBench",
            dependencies: ["LMDB", "AccessLabAWS", "AccessLabEvents", "AccessLabImport", "AccessLabLog", "AccessLabServe", "AccessLabServeHTTP", "AccessLabPolicy", "AccessLabProjections", "AccessLabQuery", "AccessLabSimulation"]
        ),
        .target(
            name: "AccessLabCLI",
            dependencies: [
                "AccessLabAWS", "AccessLabImport", "AccessLabBench", "AccessLabCheck", "AccessLabServe", "AccessLabServeHTTP", "AccessLabSweep", "AccessLabReport", "AccessLabEvents", "AccessLabLog", "AccessLabProjections", "AccessLabPolicy", "AccessLabQuery",
                "AccessLabSimulation", "AccessLabScenario", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // jemalloc (Debian's libjemalloc-dev) replaces glibc's malloc for the whole process: a 100,000-user run
        // allocates and frees millions of small values a second, and glibc's free-chunk coalescing was a
        // tenth of its simulation thread. Measured in the README's Performance section.
        .executableTarget(
            name: "accesslab", dependencies: ["AccessLabCLI"],
            linkerSettings: [.linkedLibrary("jemalloc", .when(platforms: [.linux]))]
        ),
        .testTarget(
            name: "AccessLabTests",
            dependencies: [
                "LMDB", "AccessLabAWS", "AccessLabImport", "AccessLabServe", "AccessLabEvents", "AccessLabLog", "AccessLabCheck", "AccessLabProjections", "AccessLabPolicy", "AccessLabQuery", "AccessLabSimulation", "AccessLabSweep", "AccessLabReport",
                "AccessLabScenario", "AccessLabCLI", "accesslab",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            exclude: ["PolicyCorpus"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
