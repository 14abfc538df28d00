import PropertyBased
import Testing

@testable import OPCCCore

/// `audit verify` seals allocations from their columns' bytes (`RecordSealEncoder`); a record's seal is
/// `RecordSeal`'s. Any fields, texts of any Unicode, absent values and whole numbers among them, give the same seal
/// both ways, and the encoder's buffer reused from record to record carries nothing over.
@Suite struct RecordSealEncoderTests {
    enum Value {
        case text(String?)
        case number(Int64)
    }

    static let value = Gen.frequency(
        (3, HostileText.text.map { Value.text($0) }), (1, Gen.always(Value.text(nil))),
        (1, Gen.int64(in: Int64.min...Int64.max).map { Value.number($0) }))
    static let record = zip(HostileText.text, zip(HostileText.text, Self.value).array(of: 0...6))

    @Test func aRecordSealedFromBytesHasTheSealOfTheSameFields() async {
        await propertyCheck(count: 1_000, input: Self.record.array(of: 1...3)) { records in
            var encoder = RecordSealEncoder()
            for (id, fields) in records {
                var seal = RecordSeal(.allocation(id))
                encoder.start(.allocation(id))
                for (name, value) in fields {
                    switch value {
                    case .text(let text):
                        seal.add(name, text)
                        if var text {
                            text.withUTF8 { encoder.add(name, UnsafeRawBufferPointer($0)) }
                        } else {
                            encoder.add(name, nil)
                        }
                    case .number(let number):
                        seal.add(name, number)
                        encoder.add(name, number)
                    }
                }
                #expect(encoder.hashHex() == seal.hashHex, "\(seal.canonicalBytes)")
                #expect(RecordSealHash(record: seal.record, label: nil, hashHex: encoder.hashHex()).hash == seal.hash)
            }
        }
    }
}
