import OPCCStore
import Testing

/// `HeadKeyedCache` (the registers' totals, the finance page's office years, the 360Giving years): a value is given
/// back only under the head it was kept under; a keep under another head, or into a full cache, starts again empty.
@Suite struct HeadKeyedCacheTests {
    @Test func aValueIsGivenBackOnlyUnderTheHeadItWasKeptUnder() {
        let cache = HeadKeyedCache<String, Int>(capacity: 8)
        #expect(cache.value("a", head: 1) == nil)
        cache.keep(10, key: "a", head: 1)
        cache.keep(20, key: "b", head: 1)
        #expect(cache.value("a", head: 1) == 10 && cache.value("b", head: 1) == 20)
        #expect(cache.value("a", head: 2) == nil, "the head moved: nothing read under the old one is given")
        #expect(cache.value("a", head: 0) == nil)
        cache.keep(30, key: "a", head: 2)
        #expect(cache.count == 1, "a keep under a new head forgets every value of the old one")
        #expect(cache.value("b", head: 2) == nil && cache.value("a", head: 2) == 30)
        #expect(cache.value("a", head: 1) == nil)
    }

    @Test func aFullCacheStartsAgainEmptyRatherThanGrowing() {
        let cache = HeadKeyedCache<Int, Int>(capacity: 3)
        for key in 0..<3 { cache.keep(key, key: key, head: 5) }
        #expect(cache.count == 3)
        cache.keep(2, key: 2, head: 5)
        #expect(cache.count == 3, "a key already kept is replaced, not added")
        cache.keep(3, key: 3, head: 5)
        #expect(cache.count == 1 && cache.value(3, head: 5) == 3 && cache.value(0, head: 5) == nil)
        #expect(HeadKeyedCache<Int, Int>(capacity: 0).capacity == 1)
    }
}
