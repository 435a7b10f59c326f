#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A parsed JSON text as one flat list of nodes in document order (a "tape"), pointing into the
/// bytes it was parsed from. The loader's hot path: a line is checked and read without building
/// a tree of values or a `String` for every key and value; the validator asks for the few
/// strings it keeps. `JSONValue` (the tree) is built from a document when asked.
///
/// A borrowed view: it holds a pointer to the parsed bytes and is valid only while they are
/// (`JSONParser.withDocument` hands it to a closure for that reason).
///
/// Node 0 is the top-level value. A container's members follow it, each followed by its own
/// members; `end` is the index just past a node and everything inside it, so the next sibling of
/// node `i` is `end(i)`.
struct JSONDocument {
    enum Kind: UInt8 {
        case null, bool, integer, number, string, array, object

        var typeName: String {
            switch self {
            case .null: return "null"
            case .bool: return "boolean"
            case .integer: return "integer"
            case .number: return "number"
            case .string: return "string"
            case .array: return "array"
            case .object: return "object"
            }
        }
    }

    /// Where the bytes of a string (unescaped) or a number's text are: in the parsed input, or,
    /// for a string that had escapes, in `decoded`.
    struct Bytes {
        var start: Int32 = 0
        var count: Int32 = 0
        var inDecoded = false
    }

    struct Node {
        var kind: Kind
        /// A boolean's value.
        var flag = false
        /// Index just past this node's subtree.
        var end: Int32
        /// A string's or number's bytes; a container's element count in `value.count`.
        var value = Bytes()
        /// The member's key when the node is a value inside an object (`hasKey`).
        var key = Bytes()
        var hasKey = false
        /// An integer's value; an object's keys as bits (`keySignature(_:)`, set by the parser).
        var integer: Int64 = 0
    }

    let base: UnsafePointer<UInt8>
    var nodes: [Node] = []
    /// Unescaped bytes of strings and keys that had escapes.
    var decoded: [UInt8] = []

    init(base: UnsafePointer<UInt8>) {
        self.base = base
        nodes.reserveCapacity(64)
    }

    // MARK: Reading

    @inline(__always) func kind(_ i: Int) -> Kind { nodes[i].kind }
    @inline(__always) func end(_ i: Int) -> Int { Int(nodes[i].end) }
    @inline(__always) func bool(_ i: Int) -> Bool { nodes[i].flag }
    @inline(__always) func integer(_ i: Int) -> Int64 { nodes[i].integer }
    /// Elements of an array, members of an object.
    @inline(__always) func count(_ i: Int) -> Int { Int(nodes[i].value.count) }

    /// The children of a container in source order (node indices).
    func children(_ i: Int) -> ChildSequence { ChildSequence(document: self, first: i + 1, end: end(i)) }

    struct ChildSequence: Sequence, IteratorProtocol {
        let document: JSONDocument
        var first: Int
        let end: Int
        mutating func next() -> Int? {
            guard first < end else { return nil }
            defer { first = document.end(first) }
            return first
        }
    }

    @inline(__always)
    func withBytes<R>(_ b: Bytes, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if b.inDecoded {
            return decoded.withUnsafeBufferPointer {
                body(UnsafeBufferPointer(rebasing: $0[Int(b.start) ..< Int(b.start) + Int(b.count)]))
            }
        }
        return body(UnsafeBufferPointer(start: base + Int(b.start), count: Int(b.count)))
    }

    /// A string's (unescaped) bytes or a number's text.
    @inline(__always)
    func withValueBytes<R>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R { withBytes(nodes[i].value, body) }

    /// A string's value, or a number's source text.
    func string(_ i: Int) -> String { withValueBytes(i) { String(decoding: $0, as: UTF8.self) } }

    /// True when a string holds only white space (Swift's `Character.isWhitespace`) or nothing.
    /// Without building the string when a byte answers it: an ASCII byte other than tab, LF, VT,
    /// FF, CR and space is a character of its own or follows a prepended mark, and neither is
    /// white space; only strings of white space and non-ASCII bytes are decided by `Character`.
    func isBlank(_ i: Int) -> Bool {
        let decided: Bool? = withValueBytes(i) { bytes in
            for b in bytes where b < 0x80 && !(b == 0x20 || (b >= 0x09 && b <= 0x0D)) { return false }
            return bytes.allSatisfy { $0 < 0x80 } ? true : nil
        }
        return decided ?? string(i).allSatisfy(\.isWhitespace)
    }

    func key(_ i: Int) -> String { withBytes(nodes[i].key) { String(decoding: $0, as: UTF8.self) } }

    /// True when the member's key has exactly these UTF-8 bytes (RFC 8259 compares names so:
    /// no Unicode normalization).
    @inline(__always)
    func keyEquals(_ i: Int, _ name: StaticString) -> Bool {
        let k = nodes[i].key
        guard Int(k.count) == name.utf8CodeUnitCount else { return false }
        return withBytes(k) { memcmp($0.baseAddress!, name.utf8Start, $0.count) == 0 }
    }

    /// A key as one of 64 bits, from its length and its first and last byte: two keys with
    /// different bits differ. `keySignature(object)` ORs the bits of an object's keys, so a key
    /// whose bit it lacks is certainly not a member (the validator's lookups), and a key whose bit
    /// is not yet set is not a duplicate (the parser's check).
    @inline(__always)
    static func keySignature(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        guard let first = bytes.first, let last = bytes.last else { return 1 }
        return 1 << ((UInt64(bytes.count) &* 7 &+ UInt64(first) &* 3 &+ UInt64(last)) & 63)
    }

    @inline(__always)
    static func keySignature(_ name: StaticString) -> UInt64 {
        keySignature(UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
    }

    /// The bits of every key of object `object` (all bits for anything else), as the parser
    /// collected them to find duplicate keys.
    @inline(__always)
    func keySignature(_ object: Int) -> UInt64 {
        kind(object) == .object ? UInt64(bitPattern: nodes[object].integer) : ~0
    }

    /// The member of object `object` with this key, searching from member `from` (a member of
    /// the object, or its end) to the end and then from the first member; nil when absent.
    func member(_ object: Int, _ name: StaticString, from: Int) -> Int? {
        let first = object + 1, stop = end(object)
        var i = from < stop && from > object ? from : first
        let wrapAt = i
        while i < stop {
            if keyEquals(i, name) { return i }
            i = end(i)
        }
        i = first
        while i < wrapAt {
            if keyEquals(i, name) { return i }
            i = end(i)
        }
        return nil
    }

    // MARK: The tree

    /// The value of node `i` as a `JSONValue` tree. Built without recursion (children before
    /// parents, walking the nodes backwards), so depth costs no stack.
    func value(_ i: Int = 0) -> JSONValue {
        var stack: [(key: String, value: JSONValue)] = []
        var n = end(i) - 1
        while n >= i {
            let v: JSONValue
            switch kind(n) {
            case .null: v = .null
            case .bool: v = .bool(bool(n))
            case .integer: v = .integer(integer(n))
            case .number: v = .number(string(n))
            case .string: v = .string(string(n))
            case .array:
                let c = count(n)
                v = .array(stack.suffix(c).reversed().map(\.value))
                stack.removeLast(c)
            case .object:
                let c = count(n)
                v = .object(JSONObject(members: stack.suffix(c).reversed().map { (key: $0.key, value: $0.value) }))
                stack.removeLast(c)
            }
            stack.append((key: nodes[n].hasKey ? key(n) : "", value: v))
            n -= 1
        }
        return stack[0].value
    }
}
