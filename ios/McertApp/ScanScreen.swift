import AVFoundation
import McertFFI
import McertKit
import SwiftUI

/// 【扫码】: viewfinder, confirm screen, PIN pad, result (mirror of android ScanScreens.kt).
struct ScanScreen: View {
    @EnvironmentObject var model: AppModel
    @ObservedObject var scan: ScanModel
    @Environment(\.dismiss) private var dismiss
    /// 【证书延期】 from the expiry warning, in a sheet over the confirm page (which stays as it was).
    @State private var renewing: Renewing?

    private struct Renewing: Identifiable { let id: String }

    var body: some View {
        Group {
            switch scan.state {
            case .scanning, .reading:
                ZStack(alignment: .bottom) {
                    CameraView(scan: scan)
                    VStack {
                        Text(isReading ? L("scan_reading") : scan.hint ?? L("scan_hint"))
                            .foregroundColor(scan.hint != nil && !isReading ? Color.yellow : Color.white)
                        Button(L("torch")) { scan.torch.toggle() }
                    }.padding()
                }
            case let .confirm(view, selected, more):
                ConfirmView(
                    view: view, selected: selected, more: more, onSelect: scan.select, onSelectAt: scan.selectAt, onConfirm: scan.proceed,
                    onCancel: { Task { await scan.decline() } },
                    onRenew: { serial in
                        Task {
                            renewing = Renewing(id: serial)
                            await model.renewal.start(serial: serial)
                        }
                    }
                )
            case let .enterPin(view, serial, pad, _, picks, _):
                VStack {
                    Text(view.platformName + " · " + view.operation).font(.headline)
                    if !picks.isEmpty { Text(L("stamp_pin_for", Display.shortSerial(serial))) }
                    PinPadView(pad: pad) { pin in Task { await scan.submit(pin: pin) } }
                }
            case .submitting:
                VStack(spacing: 16) { ProgressView(); Text(L("submitting")) }
            case let .done(operation, _):
                VStack(spacing: 16) {
                    Image(systemName: "checkmark.circle.fill").font(.largeTitle).foregroundColor(.green)
                    Text(L("scan_done", operation)).font(.title2)
                    Text(L("scan_done_hint")).foregroundColor(.secondary)
                    Button(L("done")) { dismiss() }
                }
            case .declined:
                VStack(spacing: 16) { Text(L("declined")); Button(L("done")) { dismiss() } }
            case let .failed(message, _):
                VStack(spacing: 16) {
                    Text(L("scan_failed")).font(.title2)
                    Text(message).foregroundColor(.red)
                    Button(L("scan_again")) { scan.reset() }
                }
            }
        }
        .navigationTitle(L("scan"))
        .sheet(item: $renewing) { r in
            NavigationStack {
                RenewScreen(m: model.renewal, certificates: model.certificates, serial: r.id, fromScan: true)
                    .toolbar { Button(L("close")) { renewing = nil } }
            }
            .environmentObject(model)
        }
        .onDisappear { scan.reset() }
    }

    private var isReading: Bool { if case .reading = scan.state { return true } else { return false } }
}

/// What the platform asks, the verification code to compare, and the certificate to use.
struct ConfirmView: View {
    let view: ScanView
    let selected: String?
    let more: [String?]
    let onSelect: (String) -> Void
    let onSelectAt: (Int, String) -> Void
    let onConfirm: () -> Void
    let onCancel: () -> Void
    /// 【证书延期】 of the certificate (serial) the warning names.
    var onRenew: ((String) -> Void)? = nil

    var body: some View {
        List {
            Section(L("confirm_title")) {
                Field(L("platform"), view.platformName)
                Field(L("operation"), view.operation)
                if let p = view.project { Field(L("project"), p) }
                if let l = view.lot { Field(L("lot"), l) }
                if let d = view.documentName { Field(L("document"), d) }
                if let o = view.openingAt { Field(L("opening_at"), Display.beijingTime(o)) }
                if let st = view.stamp {
                    Field(L("stamp_pages"), L("stamp_pages_value", Int(st.pageCount)))
                    if ScanModel.placeCount(st) > 1 {
                        Field(L("stamp_place"), L("stamp_places_value", ScanModel.placeCount(st)))
                    } else {
                        Field(L("stamp_place"), L("stamp_place_value", Int(st.page)))
                    }
                    if st.crossPage { Field(L("stamp_cross_page"), L("stamp_cross_page_value", Int(st.pageCount))) }
                }
            }
            Section {
                Text(view.verificationCode).font(.system(.largeTitle, design: .monospaced).weight(.bold)).foregroundColor(.orange)
            } header: {
                Text(L("verification_code"))
            } footer: {
                Text(L("verification_hint"))
            }
            if let stamp = view.stamp {
                ForEach(0..<ScanModel.placeCount(stamp), id: \.self) { place in
                    sealSection(stamp, place)
                }
            } else {
                certificates
            }
            // Read before the PIN; it does not block confirming.
            if let c = ScanModel.expiring(view, selected: selected, more: more), let opening = view.openingAt {
                Section {
                    Label(
                        L("expires_before_opening", Display.beijingDate(c.notAfter), Display.beijingTime(opening)),
                        systemImage: "exclamationmark.triangle.fill"
                    )
                    .font(.footnote)
                    .foregroundColor(.orange)
                    if let onRenew { Button(L("renewal")) { onRenew(c.serial) } }
                }
            }
            HStack {
                Button(L("decline"), action: onCancel)
                Spacer()
                Button(L("confirm"), action: onConfirm).disabled(selected == nil || more.contains(where: { $0 == nil }))
            }
        }
    }

    /// The seals that may stamp `place`, one picked.
    private func sealSection(_ stamp: StampInfo, _ place: Int) -> some View {
        let picked = place == 0 ? selected : more[place - 1]
        let page = place < stamp.places.count ? stamp.places[place].page : stamp.page
        let title = ScanModel.placeCount(stamp) > 1 ? L("stamp_place_n", place + 1, Int(page)) : L("stamp_choose_seal")
        return Section {
                    ForEach(ScanModel.seals(stamp, place), id: \.id) { seal in
                        Button {
                            if place == 0 { onSelect(seal.id) } else { onSelectAt(place, seal.id) }
                        } label: {
                            HStack {
                                Image(systemName: picked == seal.id ? "largecircle.fill.circle" : "circle")
                                VStack(alignment: .leading, spacing: 2) {
                                    Text(seal.name)
                                    Text(seal.kindLabel + " · " + L("stamp_certificate") + " " + Display.shortSerial(seal.certificateSerial))
                                        .font(.caption).foregroundColor(.secondary)
                                }
                            }
                        }
                    }
                } header: {
                    Text(title)
                } footer: {
                    Text(L("stamp_hint"))
                }
    }

    private var certificates: some View {
        Section(L("choose_certificate")) {
            ForEach(view.choices, id: \.serial) { c in
                let subject = McertKit.Subject.parse(c.subject)
                let names = [subject.commonName, subject.organisationShown].compactMap { $0 }
                Button {
                    onSelect(c.serial)
                } label: {
                    HStack {
                        Image(systemName: selected == c.serial ? "largecircle.fill.circle" : "circle")
                        VStack(alignment: .leading, spacing: 2) {
                            Text(names.isEmpty ? c.subject : names.joined(separator: " · "))
                            Text(L(subject.isOrganisation ? "type_organisation" : "type_personal") + " · "
                                + Display.algorithm(String(describing: c.algorithm)) + " · " + Display.shortSerial(c.serial))
                                .font(.caption).foregroundColor(.secondary)
                            if c.expiresBeforeOpening {
                                Text(L("choice_expires_early", Display.beijingDate(c.notAfter))).font(.caption).foregroundColor(.orange)
                            }
                        }
                    }
                }
            }
        }
    }
}

/// AVFoundation capture in the bi-planar YUV format: plane 0 is luma, handed to the core with
/// its bytes-per-row (no RGB conversion). Frames are dropped while one is being read.
struct CameraView: UIViewRepresentable {
    let scan: ScanModel

    func makeCoordinator() -> Coordinator { Coordinator(scan: scan) }

    func makeUIView(context: Context) -> PreviewView {
        let view = PreviewView()
        context.coordinator.start(on: view)
        return view
    }

    func updateUIView(_ uiView: PreviewView, context: Context) {
        context.coordinator.setTorch(scan.torch)
    }

    static func dismantleUIView(_ uiView: PreviewView, coordinator: Coordinator) { coordinator.stop() }

    final class PreviewView: UIView {
        override class var layerClass: AnyClass { AVCaptureVideoPreviewLayer.self }
        var previewLayer: AVCaptureVideoPreviewLayer { layer as! AVCaptureVideoPreviewLayer }
    }

    final class Coordinator: NSObject, AVCaptureVideoDataOutputSampleBufferDelegate {
        private let scan: ScanModel
        private let session = AVCaptureSession()
        private let queue = DispatchQueue(label: "cn.mcert.camera")
        private var device: AVCaptureDevice?
        private var busy = false

        init(scan: ScanModel) { self.scan = scan }

        func start(on view: PreviewView) {
            AVCaptureDevice.requestAccess(for: .video) { granted in
                guard granted else { return }
                self.queue.async { self.configure(view) }
            }
        }

        private func configure(_ view: PreviewView) {
            guard let camera = AVCaptureDevice.default(.builtInWideAngleCamera, for: .video, position: .back),
                  let input = try? AVCaptureDeviceInput(device: camera) else { return }
            device = camera
            session.beginConfiguration()
            session.sessionPreset = .hd1280x720
            if session.canAddInput(input) { session.addInput(input) }
            let output = AVCaptureVideoDataOutput()
            output.videoSettings = [kCVPixelBufferPixelFormatTypeKey as String: kCVPixelFormatType_420YpCbCr8BiPlanarFullRange]
            output.alwaysDiscardsLateVideoFrames = true
            output.setSampleBufferDelegate(self, queue: queue)
            if session.canAddOutput(output) { session.addOutput(output) }
            session.commitConfiguration()
            DispatchQueue.main.async {
                view.previewLayer.session = self.session
                view.previewLayer.videoGravity = .resizeAspectFill
            }
            session.startRunning()
        }

        func stop() { queue.async { self.session.stopRunning() } }

        func setTorch(_ on: Bool) {
            guard let d = device, d.hasTorch, (try? d.lockForConfiguration()) != nil else { return }
            d.torchMode = on ? .on : .off
            d.unlockForConfiguration()
        }

        func captureOutput(_ output: AVCaptureOutput, didOutput sampleBuffer: CMSampleBuffer, from connection: AVCaptureConnection) {
            guard !busy, let pixels = CMSampleBufferGetImageBuffer(sampleBuffer) else { return }
            CVPixelBufferLockBaseAddress(pixels, .readOnly)
            defer { CVPixelBufferUnlockBaseAddress(pixels, .readOnly) }
            guard let base = CVPixelBufferGetBaseAddressOfPlane(pixels, 0) else { return }
            let width = CVPixelBufferGetWidthOfPlane(pixels, 0)
            let height = CVPixelBufferGetHeightOfPlane(pixels, 0)
            let stride = CVPixelBufferGetBytesPerRowOfPlane(pixels, 0)
            let luma = Data(bytes: base, count: stride * height)
            busy = true
            Task { @MainActor in
                await self.scan.onFrame(luma: luma, width: width, height: height, rowStride: stride)
                self.queue.async { self.busy = false }
            }
        }
    }
}
