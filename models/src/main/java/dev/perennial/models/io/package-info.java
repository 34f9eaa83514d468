/**
 * Safe checkpoint IO: a validating safetensors reader and writer, sharded checkpoints, and loading named tensors
 * into blocks by torch-style name.
 *
 * <ul>
 *   <li>{@link dev.perennial.models.io.Checkpoints#open} opens a {@code .safetensors} file, a
 *       {@code *.safetensors.index.json} file, or a Hugging Face checkpoint directory as a
 *       {@link dev.perennial.models.io.TensorSource}; pickled files ({@code .bin}, {@code .pt}, {@code .pth},
 *       {@code .ckpt}) are refused with a conversion snippet.</li>
 *   <li>{@link dev.perennial.models.io.SafetensorsFile} validates the whole header before any native call
 *       (length bound, strict JSON, dtypes, offsets that tile the data exactly, shape × dtype size), memory-maps
 *       each tensor's region, and widens BF16 to F32 in Java (DJL 0.36 aborts the JVM on BF16).</li>
 *   <li>{@link dev.perennial.models.io.SafetensorsWriter} writes named arrays atomically (F64/F32/F16/I64/I32/
 *       I8/U8/BOOL, or F32 narrowed to BF16).</li>
 *   <li>{@link dev.perennial.models.io.WeightLoader} copies a source into an initialized block, matched by
 *       {@link dev.perennial.models.ParameterNames} after a {@link dev.perennial.models.io.NameMap}; strict loads
 *       fail with every missing, unexpected and mis-shaped name and copy nothing, lenient loads return the
 *       {@link dev.perennial.models.io.LoadReport}.</li>
 * </ul>
 *
 * <pre>{@code
 * ResNet net = new ResNet(ResNetConfig.resnet18(1000));
 * net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 224, 224));
 * try (TensorSource ckpt = Checkpoints.open(Path.of("resnet18.safetensors"))) {
 *     WeightLoader.strict().load(ckpt, net);
 * }
 * // a Hugging Face CLIPModel checkpoint into a vision tower
 * WeightLoader.lenient().withNameMap(NameMap.selectPrefix("vision_model.")).load(ckpt, tower);
 * }</pre>
 *
 * <p>Errors in files are {@link dev.perennial.models.io.CheckpointException} (an {@code IOException} naming the
 * file and tensor); a strict load that does not match is {@link dev.perennial.models.io.WeightLoadException}.
 */
package dev.perennial.models.io;
