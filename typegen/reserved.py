"""Names already taken in a TypeScript program checked by Deno: keywords and globals.

Type names that typegen allocates avoid all of these, so emitted declarations never shadow
or clash with a built-in whether the file is checked as a module or as a global script. The
Deno list was taken from ``deno types`` (deno 2.9.8, names starting with a capital letter).
"""

from __future__ import annotations

__all__ = ["RESERVED_NAMES", "TS_KEYWORDS"]

TS_KEYWORDS = frozenset(
    [
        "abstract",
        "accessor",
        "any",
        "as",
        "asserts",
        "async",
        "await",
        "bigint",
        "boolean",
        "break",
        "case",
        "catch",
        "class",
        "const",
        "constructor",
        "continue",
        "debugger",
        "declare",
        "default",
        "delete",
        "do",
        "else",
        "enum",
        "export",
        "extends",
        "false",
        "finally",
        "for",
        "from",
        "function",
        "get",
        "global",
        "if",
        "implements",
        "import",
        "in",
        "infer",
        "instanceof",
        "interface",
        "is",
        "keyof",
        "let",
        "module",
        "namespace",
        "never",
        "new",
        "null",
        "number",
        "object",
        "of",
        "out",
        "override",
        "package",
        "private",
        "protected",
        "public",
        "readonly",
        "require",
        "return",
        "satisfies",
        "set",
        "static",
        "string",
        "super",
        "switch",
        "symbol",
        "this",
        "throw",
        "true",
        "try",
        "type",
        "typeof",
        "undefined",
        "unique",
        "unknown",
        "using",
        "var",
        "void",
        "while",
        "with",
        "yield",
        "arguments",
        "eval",
    ]
)
"""Reserved words, contextual keywords and primitive type names (never usable as a type name)."""

_ES_GLOBALS = """
AggregateError Array ArrayBuffer ArrayBufferLike ArrayBufferTypes ArrayBufferView
ArrayConstructor ArrayLike AsyncDisposable AsyncDisposableStack AsyncGenerator
AsyncGeneratorFunction AsyncIterable AsyncIterableIterator AsyncIterator AsyncIteratorObject
Atomics Awaited BigInt BigInt64Array BigUint64Array Boolean CallableFunction Capitalize
ClassAccessorDecoratorContext ClassDecorator ClassDecoratorContext ClassFieldDecoratorContext
ClassGetterDecoratorContext ClassMemberDecoratorContext ClassMethodDecoratorContext
ClassSetterDecoratorContext ConcatArray ConstructorParameters DataView Date DecoratorContext
DecoratorMetadata DecoratorMetadataObject Disposable DisposableStack Error ErrorConstructor
ErrorOptions EvalError Exclude Extract FinalizationRegistry Float16Array Float32Array
Float64Array Function Generator GeneratorFunction IArguments ImportAttributes
ImportCallOptions ImportMeta InstanceType Int16Array Int32Array Int8Array Intl Iterable
IterableIterator Iterator IteratorObject IteratorResult IteratorReturnResult
IteratorYieldResult JSON Lowercase Map MapConstructor Math MethodDecorator NewableFunction
NoInfer NonNullable Number Object Omit OmitThisParameter ParameterDecorator Parameters
Partial Pick Promise PromiseConstructor PromiseConstructorLike PromiseFulfilledResult
PromiseLike PromiseRejectedResult PromiseSettledResult PropertyDecorator PropertyDescriptor
PropertyDescriptorMap PropertyKey Proxy ProxyHandler RangeError Readonly ReadonlyArray
ReadonlyMap ReadonlySet Record ReferenceError Reflect RegExp RegExpExecArray
RegExpIndicesArray RegExpMatchArray Required ReturnType Set SharedArrayBuffer String
SuppressedError Symbol SyntaxError TemplateStringsArray Temporal ThisParameterType ThisType
TypeError TypedPropertyDescriptor URIError Uint16Array Uint32Array Uint8Array
Uint8ClampedArray Uncapitalize Uppercase WeakKey WeakKeyTypes WeakMap WeakRef WeakSet
WebAssembly Deno
"""

_DENO_GLOBALS = """
AbortController AbortSignal AbortSignalEventMap AbstractWorkerEventMap
AddEventListenerOptions AesCbcParams AesCtrParams AesDerivedKeyParams AesGcmParams
AesKeyAlgorithm AesKeyGenParams Algorithm AlgorithmIdentifier AllowSharedBufferSource
BigInteger BinaryType Blob BlobPart BlobPropertyBag Body BodyInit BroadcastChannel
BroadcastChannelEventMap BufferSource ByteLengthQueuingStrategy CSSRule CSSStyleSheet Cache
CacheQueryOptions CacheStorage CloseEvent CloseEventInit ColorSpaceConversion
CompressionFormat CompressionStream Console CountQueuingStrategy Crypto CryptoKey
CryptoKeyPair CustomEvent CustomEventInit DOMException DOMMatrix DOMMatrix2DInit
DOMMatrixInit DOMMatrixReadOnly DOMPoint DOMPointInit DOMPointReadOnly DOMQuad DOMQuadInit
DOMRect DOMRectInit DOMRectReadOnly DOMStringList DecompressionStream Deno DomIterable
EcKeyAlgorithm EcKeyGenParams EcKeyImportParams EcdhKeyDeriveParams EcdsaParams EndingType
ErrorConstructor ErrorEvent ErrorEventInit Event EventInit EventListener EventListenerObject
EventListenerOptions EventListenerOrEventListenerObject EventSource EventSourceEventMap
EventSourceInit EventTarget File FilePropertyBag FileReader FileReaderEventMap FormData
FormDataEntryValue GPU GPUAdapter GPUAdapterInfo GPUAddressMode GPUAutoLayoutMode
GPUBindGroup GPUBindGroupDescriptor GPUBindGroupEntry GPUBindGroupLayout
GPUBindGroupLayoutDescriptor GPUBindGroupLayoutEntry GPUBindingResource GPUBlendComponent
GPUBlendFactor GPUBlendOperation GPUBlendState GPUBuffer GPUBufferBinding
GPUBufferBindingLayout GPUBufferBindingType GPUBufferDescriptor GPUBufferMapState
GPUBufferUsage GPUBufferUsageFlags GPUCanvasAlphaMode GPUCanvasConfiguration
GPUCanvasContext GPUColor GPUColorDict GPUColorTargetState GPUColorWrite GPUColorWriteFlags
GPUCommandBuffer GPUCommandBufferDescriptor GPUCommandEncoder GPUCommandEncoderDescriptor
GPUCompareFunction GPUCompilationInfo GPUCompilationMessage GPUCompilationMessageType
GPUComputePassDescriptor GPUComputePassEncoder GPUComputePassTimestampWrites
GPUComputePipeline GPUComputePipelineDescriptor GPUCullMode GPUDepthStencilState GPUDevice
GPUDeviceDescriptor GPUDeviceLostInfo GPUDeviceLostReason GPUError GPUErrorFilter
GPUExtent3D GPUExtent3DDict GPUFeatureName GPUFilterMode GPUFlagsConstant GPUFragmentState
GPUFrontFace GPUIndexFormat GPUInternalError GPULoadOp GPUMapMode GPUMapModeFlags
GPUMipmapFilterMode GPUMultisampleState GPUObjectBase GPUObjectDescriptorBase GPUOrigin3D
GPUOrigin3DDict GPUOutOfMemoryError GPUPipelineBase GPUPipelineDescriptorBase
GPUPipelineError GPUPipelineErrorInit GPUPipelineLayout GPUPipelineLayoutDescriptor
GPUPowerPreference GPUPresentMode GPUPrimitiveState GPUPrimitiveTopology
GPUProgrammablePassEncoder GPUProgrammableStage GPUQuerySet GPUQuerySetDescriptor
GPUQueryType GPUQueue GPURenderBundle GPURenderBundleDescriptor GPURenderBundleEncoder
GPURenderBundleEncoderDescriptor GPURenderEncoderBase GPURenderPassColorAttachment
GPURenderPassDepthStencilAttachment GPURenderPassDescriptor GPURenderPassEncoder
GPURenderPassLayout GPURenderPassTimestampWrites GPURenderPipeline
GPURenderPipelineDescriptor GPURequestAdapterOptions GPUSampler GPUSamplerBindingLayout
GPUSamplerBindingType GPUSamplerDescriptor GPUShaderModule GPUShaderModuleDescriptor
GPUShaderStage GPUShaderStageFlags GPUStencilFaceState GPUStencilOperation
GPUStorageTextureAccess GPUStorageTextureBindingLayout GPUStoreOp GPUSupportedFeatures
GPUSupportedLimits GPUTexelCopyBufferInfo GPUTexelCopyBufferLayout GPUTexelCopyTextureInfo
GPUTexture GPUTextureAspect GPUTextureBindingLayout GPUTextureDescriptor GPUTextureDimension
GPUTextureFormat GPUTextureSampleType GPUTextureUsage GPUTextureUsageFlags GPUTextureView
GPUTextureViewDescriptor GPUTextureViewDimension GPUUncapturedErrorEvent
GPUUncapturedErrorEventInit GPUValidationError GPUVertexAttribute GPUVertexBufferLayout
GPUVertexFormat GPUVertexState GPUVertexStepMode GenericTransformStream
HashAlgorithmIdentifier Headers HeadersInit HkdfParams HmacImportParams HmacKeyAlgorithm
HmacKeyGenParams ImageBitmap ImageBitmapOptions ImageBitmapRenderingContext
ImageBitmapSource ImageData ImageDataArray ImageDataPixelFormat ImageDataSettings
ImageEncodeOptions ImageOrientation ImportMeta Intl JsonWebKey KeyAlgorithm KeyFormat
KeyType KeyUsage Location Math MessageChannel MessageEvent MessageEventInit
MessageEventSource MessagePort MessagePortEventMap MultiCacheQueryOptions NamedCurve
Navigator NavigatorUABrandVersion NavigatorUAData OffscreenCanvas OffscreenRenderingContext
OffscreenRenderingContextId Pbkdf2Params Performance PerformanceEntry PerformanceEntryList
PerformanceMark PerformanceMarkOptions PerformanceMeasure PerformanceMeasureOptions
PerformanceObserver PerformanceObserverCallback PerformanceObserverEntryList
PredefinedColorSpace PremultiplyAlpha ProgressEvent ProgressEventInit PromiseRejectionEvent
PromiseRejectionEventInit QueuingStrategy QueuingStrategyInit QueuingStrategySize
QuotaExceededError QuotaExceededErrorOptions ReadableByteStreamController ReadableStream
ReadableStreamBYOBReader ReadableStreamBYOBReaderReadOptions ReadableStreamBYOBRequest
ReadableStreamController ReadableStreamDefaultController ReadableStreamDefaultReader
ReadableStreamGenericReader ReadableStreamGetReaderOptions ReadableStreamIteratorOptions
ReadableStreamReadDoneResult ReadableStreamReadResult ReadableStreamReadValueResult
ReadableStreamReader ReadableStreamReaderMode ReadableStreamType ReadableWritablePair
ReferrerPolicy RegExpConstructor Request RequestCache RequestCredentials RequestDestination
RequestInfo RequestInit RequestMode RequestPriority RequestRedirect ResizeQuality Response
ResponseInit ResponseType RsaHashedImportParams RsaHashedKeyAlgorithm RsaHashedKeyGenParams
RsaKeyAlgorithm RsaKeyGenParams RsaOaepParams RsaOtherPrimesInfo RsaPssParams Storage
StreamPipeOptions StructuredSerializeOptions SubtleCrypto Temporal TextDecodeOptions
TextDecoder TextDecoderCommon TextDecoderOptions TextDecoderStream TextEncoder
TextEncoderCommon TextEncoderEncodeIntoResult TextEncoderStream Transferable TransformStream
TransformStreamDefaultController Transformer TransformerCancelCallback
TransformerFlushCallback TransformerStartCallback TransformerTransformCallback UADataValues
UALowEntropyJSON URL URLPattern URLPatternComponentResult URLPatternInit URLPatternInput
URLPatternOptions URLPatternResult URLSearchParams URLSearchParamsIterator Uint8Array
Uint8ArrayConstructor UnderlyingByteSource UnderlyingDefaultSource UnderlyingSink
UnderlyingSinkAbortCallback UnderlyingSinkCloseCallback UnderlyingSinkStartCallback
UnderlyingSinkWriteCallback UnderlyingSource UnderlyingSourceCancelCallback
UnderlyingSourcePullCallback UnderlyingSourceStartCallback VoidFunction WebAssembly
WebSocket WebSocketCloseInfo WebSocketConnection WebSocketError WebSocketEventMap
WebSocketOptions WebSocketStream WebSocketStreamOptions WebTransport
WebTransportBidirectionalStream WebTransportCloseInfo WebTransportCongestionControl
WebTransportDatagramDuplexStream WebTransportError WebTransportErrorOptions
WebTransportErrorSource WebTransportHash WebTransportOptions WebTransportReceiveStream
WebTransportReceiveStreamStats WebTransportSendGroup WebTransportSendStream
WebTransportSendStreamOptions WebTransportSendStreamStats WebTransportWriter Window
WindowEventMap Worker WorkerEventMap WorkerOptions WritableStream
WritableStreamDefaultController WritableStreamDefaultWriter
"""

RESERVED_NAMES = TS_KEYWORDS | frozenset(_ES_GLOBALS.split()) | frozenset(_DENO_GLOBALS.split())
"""Every name an allocated type name must avoid (compared case-sensitively)."""
