#!/usr/bin/env python3
"""The Swift that can be checked without a Swift toolchain.

1. Every Swift file under ios/ parses (tree-sitter-swift): no ERROR or MISSING node.
2. With --bindings DIR (the Swift bindings that `uniffi-bindgen --language swift` generated):
   every name the app's Swift code takes from McertFFI exists there. A name is taken from
   McertFFI when a file that imports McertFFI uses it as a type or calls it as a function,
   and neither the app's own Swift nor the Apple SDK names below declare it; McertError cases
   used in patterns (`.WrongPin`) are checked against the generated enum.

Prints one line per check and exits non-zero when one fails.
"""
import argparse
import pathlib
import re
import sys

import tree_sitter
import tree_sitter_swift

# Names of the Swift standard library and the Apple frameworks the app uses (SwiftUI,
# Foundation, AVFoundation, Security, Combine). A new SDK name used next to McertFFI goes here.
SDK = set("""
Any AnyClass AnyObject Array Bool Character Data Date Dictionary Double Error Float Int Int32 Int64
Never Optional Result Set String Substring UInt UInt8 UInt16 UInt32 UInt64 Void Task MainActor
CancellationError Equatable Hashable Identifiable Codable Sendable Locale URL UUID NSObject Bundle
ObservableObject Published StateObject ObservedObject EnvironmentObject Environment State Binding
App Scene WindowGroup View some Text Button VStack HStack ZStack List Section ForEach Group Spacer
NavigationStack NavigationLink Color Image Picker TextField SecureField ProgressView EmptyView Circle
UIView UIViewRepresentable Context LocalizedStringKey Font Alert Toggle LazyVGrid GridItem Label Form
AVCaptureSession AVCaptureDevice AVCaptureDeviceInput AVCaptureVideoDataOutput AVCaptureOutput
AVCaptureConnection AVCaptureVideoPreviewLayer AVCaptureVideoDataOutputSampleBufferDelegate
CMSampleBuffer CMSampleBufferGetImageBuffer CVPixelBufferLockBaseAddress CVPixelBufferUnlockBaseAddress
CVPixelBufferGetBaseAddressOfPlane CVPixelBufferGetWidthOfPlane CVPixelBufferGetHeightOfPlane
CVPixelBufferGetBytesPerRowOfPlane DispatchQueue SecItemCopyMatching SecItemAdd SecItemDelete
SecItemUpdate CFDictionary CFTypeRef OSStatus errSecSuccess errSecItemNotFound
kSecClass kSecClassGenericPassword kSecAttrService kSecAttrAccount kSecValueData kSecReturnData
kSecMatchLimit kSecMatchLimitOne kSecAttrAccessible kSecAttrAccessibleWhenUnlockedThisDeviceOnly
kCVPixelBufferPixelFormatTypeKey kCVPixelFormatType_420YpCbCr8BiPlanarFullRange
ViewBuilder CaseIterable print fatalError precondition min max abs zip stride type String Int Double
CharacterSet
ShareLink ByteCountFormatter FileManager ButtonRole CGFloat UIImage
Path DragGesture StrokeStyle CGPoint GeometryReader Wrapped
""".split())

# Call-like keywords and modifiers tree-sitter reports as identifiers.
KEYWORDS = {"init", "self", "super", "Self", "await", "try", "throw", "case", "let", "var", "defer"}


def parser():
    lang = tree_sitter.Language(tree_sitter_swift.language())
    try:
        return tree_sitter.Parser(lang)
    except TypeError:  # older tree-sitter bindings
        p = tree_sitter.Parser()
        p.set_language(lang)
        return p


def walk(node):
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(n.children))


def text(node, src):
    return src[node.start_byte:node.end_byte].decode("utf-8")


def declared(tree, src):
    """Names a file declares: types, functions, cases, typealiases, protocols, and the local
    names (parameters, properties, generic parameters) a call may use."""
    out = set()
    for n in walk(tree.root_node):
        if n.type in ("parameter", "lambda_parameter"):
            out |= {text(c, src) for c in n.children if c.type == "simple_identifier"}
            continue
        if n.type in ("type_parameter", "property_declaration", "value_binding_pattern", "pattern"):
            for c in walk(n):
                if c.type in ("simple_identifier", "type_identifier") and n.type != "pattern":
                    out.add(text(c, src))
                    break
                if n.type == "pattern" and c.type == "simple_identifier":
                    out.add(text(c, src))
            continue
        if n.type in ("class_declaration", "protocol_declaration", "typealias_declaration",
                      "function_declaration", "protocol_function_declaration", "enum_entry"):
            for c in n.children:
                if c.type in ("type_identifier", "simple_identifier"):
                    out.add(text(c, src))
                    if n.type != "enum_entry":
                        break
    return out


def inside_attribute(node):
    while node is not None:
        if node.type == "attribute":
            return True
        node = node.parent
    return False


def used(tree, src):
    """Types a file names, functions it calls by bare name, and `.Case` patterns."""
    types, calls, cases = set(), set(), set()
    for n in walk(tree.root_node):
        if inside_attribute(n):
            continue
        if n.type == "type_identifier":
            types.add(text(n, src))
        elif n.type == "call_expression" and n.children and n.children[0].type == "simple_identifier":
            calls.add(text(n.children[0], src))
        elif n.type == "pattern":
            t = text(n, src)
            m = re.match(r"\s*(?:let\s+)?\.([A-Z]\w*)", t)
            if m:
                cases.add(m.group(1))
    return types, calls, cases


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("root", help="the ios/ directory")
    ap.add_argument("--bindings", help="directory of the generated Swift bindings (McertFFI.swift)")
    ap.add_argument("--list", action="store_true", help="print the names taken from McertFFI and stop")
    args = ap.parse_args()
    p = parser()
    files = sorted(pathlib.Path(args.root).rglob("*.swift"))
    failures = 0
    trees = {}
    for f in files:
        src = f.read_bytes()
        tree = p.parse(src)
        bad = [n for n in walk(tree.root_node) if n.type == "ERROR" or n.is_missing]
        if bad:
            failures += 1
            for n in bad[:5]:
                print(f"{f}:{n.start_point[0] + 1}:{n.start_point[1] + 1}: Swift syntax error near {text(n, src)[:40]!r}")
        trees[f] = (tree, src)
    print(f"swift parse: {len(files)} files, {failures} with syntax errors")
    if failures:
        return 1
    if args.list:
        own = set().union(*(declared(t, s) for t, s in trees.values()))
        for f, (tree, src) in trees.items():
            if re.search(rb"^import McertFFI\b", src, re.M):
                types, calls, cases = used(tree, src)
                names = sorted((types | calls) - own - SDK - KEYWORDS)
                print(f"{f}: {' '.join(names)} | cases: {' '.join(sorted(cases))}")
        return 0
    if not args.bindings:
        return 0

    generated = list(pathlib.Path(args.bindings).glob("*.swift"))
    if not generated:
        print(f"no generated Swift bindings in {args.bindings}")
        return 1
    ffi_names = set()
    ffi_cases = set()
    for g in generated:
        src = g.read_bytes()
        tree = p.parse(src)
        ffi_names |= declared(tree, src)
        s = src.decode("utf-8")
        m = re.search(r"public enum McertError\b.*?\n}\n", s, re.S)
        if m:
            ffi_cases |= set(re.findall(r"^\s*case\s+(\w+)", m.group(0), re.M))
    own = set()
    for f, (tree, src) in trees.items():
        own |= declared(tree, src)
    missing = []
    checked = set()
    for f, (tree, src) in trees.items():
        if not re.search(rb"^import McertFFI\b", src, re.M):
            continue
        types, calls, cases = used(tree, src)
        for name in (types | calls) - own - SDK - KEYWORDS:
            if not name[:1].isalpha():
                continue
            checked.add(name)
            if name not in ffi_names:
                missing.append(f"{f}: {name}")
        if ffi_cases:
            for c in cases:
                if c[:1].isupper() and c not in ffi_cases and c not in own:
                    missing.append(f"{f}: McertError.{c}")
                else:
                    checked.add(f"McertError.{c}")
    for m in missing:
        print(f"not in the generated bindings: {m}")
    print(f"McertFFI names: {len(checked)} used, {len(missing)} missing")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
