import Foundation

/// How failed sign-ins slow down the next attempt. Nothing is ever locked for good: after a few free failures each
/// further failure doubles the wait before the next attempt is checked, up to a ceiling. Three counters are kept:
/// per account (anyone anywhere can add to it, so its wait stays short: no one can keep the Commissioner out for
/// long), per address and account (the guesser's own counter, which grows long), and per address (much higher: behind
/// a proxy or an office's NAT many people share one). Failures are forgotten after `forgetAfterSeconds` without any.
public struct SignInThrottlePolicy: Hashable, Sendable {
    public var freeFailuresPerAccount: Int
    public var freeFailuresPerAddress: Int
    public var firstDelaySeconds: Int
    /// The longest wait an account as a whole is given (every address at once).
    public var longestAccountDelaySeconds: Int
    /// The longest wait an address, or an address with one account, is given.
    public var longestDelaySeconds: Int
    public var forgetAfterSeconds: Int
    /// The most counters kept: past it the oldest are dropped, so made-up names cannot grow the table.
    public var largestTable: Int

    public init(
        freeFailuresPerAccount: Int = 5, freeFailuresPerAddress: Int = 100, firstDelaySeconds: Int = 1,
        longestAccountDelaySeconds: Int = 60, longestDelaySeconds: Int = 15 * 60, forgetAfterSeconds: Int = 60 * 60,
        largestTable: Int = 10_000
    ) {
        self.freeFailuresPerAccount = freeFailuresPerAccount
        self.freeFailuresPerAddress = freeFailuresPerAddress
        self.firstDelaySeconds = firstDelaySeconds
        self.longestAccountDelaySeconds = longestAccountDelaySeconds
        self.longestDelaySeconds = longestDelaySeconds
        self.forgetAfterSeconds = forgetAfterSeconds
        self.largestTable = largestTable
    }

    /// What a counter counts.
    public enum Kind: String, CaseIterable, Sendable {
        case account
        case address
        case addressAccount = "address-account"
    }

    /// The wait after `failures` recent failures on a counter of `kind`: none up to its free failures, then the
    /// first delay, doubling with each further failure, up to the kind's longest.
    public func delaySeconds(afterFailures failures: Int, kind: Kind) -> Int {
        let free = kind == .address ? freeFailuresPerAddress : freeFailuresPerAccount
        let longest = kind == .account ? longestAccountDelaySeconds : longestDelaySeconds
        guard failures >= free else { return 0 }
        // 2^doublings overflows long before 62 doublings matter: the ceiling is reached first.
        let doublings = min(failures - free, 40)
        return min(longest, firstDelaySeconds << doublings)
    }
}

/// When sessions end: after `idleSeconds` unused, and `lifetimeSeconds` after sign-in whatever happens.
public struct SessionPolicy: Hashable, Sendable {
    public var idleSeconds: Int
    public var lifetimeSeconds: Int
    /// How stale the recorded last use may get before a request writes it again (a write per request would cost
    /// more than the rest of a page).
    public var touchEverySeconds: Int

    public init(idleSeconds: Int = 60 * 60, lifetimeSeconds: Int = 8 * 60 * 60, touchEverySeconds: Int = 60) {
        self.idleSeconds = idleSeconds
        self.lifetimeSeconds = lifetimeSeconds
        self.touchEverySeconds = touchEverySeconds
    }
}
