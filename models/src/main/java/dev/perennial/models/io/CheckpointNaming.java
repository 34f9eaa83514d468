package dev.perennial.models.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The naming conventions a backbone or teacher checkpoint may use ({@code nameMap: timm | torchvision | hf}), and
 * the built-in maps that present such a checkpoint under the names the project's blocks are built with: timm's for
 * the ViT ({@code cls_token}, {@code blocks.N.attn.qkv}), torchvision's for ResNet and MobileNetV2 (timm's ResNets
 * use the same names).
 *
 * <ul>
 *   <li>torchvision {@code vit_b_16}: {@code class_token}, {@code conv_proj}, {@code encoder.pos_embedding},
 *       {@code encoder.layers.encoder_layer_N.{ln_1, self_attention.in_proj_weight/bias, self_attention.out_proj,
 *       ln_2, mlp.0, mlp.3}} ({@code mlp.linear_1/2} before torchvision 0.13), {@code encoder.ln},
 *       {@code heads.head}; {@code in_proj_weight} is q, k, v stacked in timm's {@code qkv} order, so 13 renames
 *       suffice.</li>
 *   <li>Hugging Face {@code ViTModel} / {@code ViTForImageClassification}: {@code [vit.]embeddings.{cls_token,
 *       position_embeddings, patch_embeddings.projection}}, {@code [vit.]encoder.layer.N.{layernorm_before,
 *       attention.attention.query/key/value, attention.output.dense, layernorm_after, intermediate.dense,
 *       output.dense}}, {@code [vit.]layernorm}, {@code classifier}; the separate query, key and value projections
 *       are concatenated into {@code qkv} when read, and the pooler is dropped.</li>
 *   <li>Hugging Face {@code ResNetModel} / {@code ResNetForImageClassification} into the torchvision-named ResNet
 *       ({@code embedder}, {@code encoder.stages.S.layers.B.layer.I}, {@code shortcut}, {@code classifier.1}).</li>
 * </ul>
 */
public enum CheckpointNaming {
    /** timm's names (ViT, MLP-Mixer; ResNet's equal torchvision's). */
    TIMM,
    /** torchvision's names ({@code vit_b_16}, {@code resnet*}, {@code mobilenet_v2}). */
    TORCHVISION,
    /** Hugging Face transformers' names ({@code ViTModel}). */
    HF;

    /** The architectures a built-in map knows. */
    public enum Architecture {
        /** The timm-named ViT ({@code dev.perennial.models.vit.VisionTransformer}). */
        VIT,
        /** The torchvision-named ResNet. */
        RESNET,
        /** The torchvision-named MobileNetV2. */
        MOBILENET_V2,
        /** The timm-named MLP-Mixer. */
        MLP_MIXER
    }

    private static final NameMap TORCHVISION_VIT = rules(new String[][] {
        {"^class_token$", "cls_token"},
        {"^conv_proj\\.", "patch_embed.proj."},
        {"^encoder\\.pos_embedding$", "pos_embed"},
        {"^encoder\\.layers\\.encoder_layer_(\\d+)\\.", "blocks.$1."},
        {"\\.ln_1\\.", ".norm1."},
        {"\\.ln_2\\.", ".norm2."},
        {"\\.self_attention\\.in_proj_weight$", ".attn.qkv.weight"},
        {"\\.self_attention\\.in_proj_bias$", ".attn.qkv.bias"},
        {"\\.self_attention\\.out_proj\\.", ".attn.proj."},
        {"\\.mlp\\.(0|linear_1)\\.", ".mlp.fc1."},
        {"\\.mlp\\.(3|linear_2)\\.", ".mlp.fc2."},
        {"^encoder\\.ln\\.", "norm."},
        {"^heads\\.head\\.", "head."},
    });

    private static final NameMap HF_VIT = NameMap.stripPrefix("vit.")
            .andThen(NameMap.drop("^pooler\\."))
            .andThen(rules(new String[][] {
                {"^embeddings\\.cls_token$", "cls_token"},
                {"^embeddings\\.position_embeddings$", "pos_embed"},
                {"^embeddings\\.patch_embeddings\\.projection\\.", "patch_embed.proj."},
                {"^encoder\\.layer\\.(\\d+)\\.", "blocks.$1."},
                {"\\.layernorm_before\\.", ".norm1."},
                {"\\.layernorm_after\\.", ".norm2."},
                {"\\.attention\\.attention\\.qkv\\.", ".attn.qkv."},
                {"\\.attention\\.output\\.dense\\.", ".attn.proj."},
                {"\\.intermediate\\.dense\\.", ".mlp.fc1."},
                {"\\.output\\.dense\\.", ".mlp.fc2."},
                {"^layernorm\\.", "norm."},
                {"^classifier\\.", "head."},
            }));

    private static final Pattern HF_RESNET_BLOCK = Pattern.compile(
            "^encoder\\.stages\\.(\\d+)\\.layers\\.(\\d+)\\.(?:layer\\.(\\d+)\\.(convolution|normalization)"
                    + "|shortcut\\.(convolution|normalization))\\.(.+)$");

    /**
     * HF {@code ResNetModel} / {@code ResNetForImageClassification} names to torchvision's: {@code
     * [resnet.]embedder.embedder.{convolution, normalization}} → {@code conv1, bn1}; {@code
     * [resnet.]encoder.stages.S.layers.B.layer.I.{convolution, normalization}} → {@code layer(S+1).B.conv(I+1),
     * bn(I+1)}; {@code ….shortcut.{convolution, normalization}} → {@code ….downsample.0, .1}; {@code classifier.1}
     * → {@code fc}. HF's default bottleneck strides its 3×3 convolution, as torchvision's ResNet v1.5 does.
     */
    private static final NameMap HF_RESNET = NameMap.stripPrefix("resnet.").andThen(name -> {
        if (name.startsWith("embedder.embedder.convolution.")) {
            return Optional.of("conv1." + name.substring("embedder.embedder.convolution.".length()));
        }
        if (name.startsWith("embedder.embedder.normalization.")) {
            return Optional.of("bn1." + name.substring("embedder.embedder.normalization.".length()));
        }
        if (name.startsWith("classifier.1.")) {
            return Optional.of("fc." + name.substring("classifier.1.".length()));
        }
        Matcher m = HF_RESNET_BLOCK.matcher(name);
        if (!m.matches()) {
            return Optional.of(name);
        }
        String block = "layer" + (Integer.parseInt(m.group(1)) + 1) + "." + m.group(2) + ".";
        if (m.group(3) != null) {
            int i = Integer.parseInt(m.group(3)) + 1;
            return Optional.of(block + (m.group(4).equals("convolution") ? "conv" : "bn") + i + "." + m.group(6));
        }
        return Optional.of(block + "downsample." + (m.group(5).equals("convolution") ? "0" : "1") + "."
                + m.group(6));
    });

    private static final Pattern HF_QUERY = Pattern.compile("^(.*\\.attention\\.attention)\\.query\\.(weight|bias)$");

    /**
     * Parses a config value.
     *
     * @param value {@code timm}, {@code torchvision} or {@code hf}; null or empty for the architecture's own names
     * @param field the config field, for the message (e.g. {@code backbone.nameMap})
     * @return the naming, empty for the architecture's own
     * @throws IllegalArgumentException naming the field and the accepted values
     */
    public static Optional<CheckpointNaming> parse(String value, String field) {
        if (value == null || value.isEmpty()) {
            return Optional.empty();
        }
        for (CheckpointNaming n : values()) {
            if (n.configName().equals(value)) {
                return Optional.of(n);
            }
        }
        throw new IllegalArgumentException(field + " '" + value + "' is not a known naming; accepted: timm, "
                + "torchvision, hf (or leave it empty for the architecture's own names)");
    }

    /** @return the config value ({@code timm}, {@code torchvision}, {@code hf}) */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Presents a checkpoint in this naming under the names an architecture's block uses.
     *
     * @param source the checkpoint (closed with the view)
     * @param architecture the block's architecture
     * @return a view with the block's names
     * @throws IllegalArgumentException if there is no built-in map for the pair, naming what is accepted
     */
    public TensorSource view(TensorSource source, Architecture architecture) {
        check(architecture);
        if (architecture == Architecture.RESNET && this == HF) {
            return new Renamed(source, HF_RESNET, false);
        }
        if (architecture != Architecture.VIT || this == TIMM) {
            return source;
        }
        return this == TORCHVISION ? new Renamed(source, TORCHVISION_VIT, false) : new Renamed(source, HF_VIT, true);
    }

    /**
     * Fails unless there is a built-in map from this naming to an architecture's names.
     *
     * @param architecture the block's architecture
     * @throws IllegalArgumentException naming the accepted namings
     */
    public void check(Architecture architecture) {
        String accepted = switch (architecture) {
            case VIT -> "timm, torchvision, hf";
            case RESNET -> "timm, torchvision, hf";
            case MOBILENET_V2 -> "torchvision";
            case MLP_MIXER -> "timm";
        };
        if (!List.of(accepted.split(", ")).contains(configName())) {
            throw unsupported(architecture, accepted);
        }
    }

    private IllegalArgumentException unsupported(Architecture architecture, String accepted) {
        return new IllegalArgumentException("nameMap '" + configName() + "' has no built-in map for "
                + architecture.name().toLowerCase(Locale.ROOT).replace('_', '-') + "; accepted: " + accepted);
    }

    private static NameMap rules(String[][] rules) {
        NameMap map = NameMap.identity();
        for (String[] r : rules) {
            map = map.andThen(NameMap.rename(r[0], r[1]));
        }
        return map;
    }

    /**
     * A checkpoint under renamed tensors; with {@code fuseQkv}, HF's {@code query/key/value} triples are offered
     * as one {@code qkv} tensor (concatenated on the output axis, q first, as timm's {@code qkv} is laid out).
     */
    private static final class Renamed implements TensorSource {
        private final TensorSource inner;
        private final Map<String, List<String>> parts = new LinkedHashMap<>();

        Renamed(TensorSource inner, NameMap map, boolean fuseQkv) {
            this.inner = inner;
            Set<String> names = inner.names();
            for (String name : names) {
                List<String> sources = List.of(name);
                String name2 = name;
                if (fuseQkv) {
                    Matcher m = HF_QUERY.matcher(name);
                    String prefix = m.matches() ? m.group(1) : null;
                    if (prefix != null && names.contains(prefix + ".key." + m.group(2))
                            && names.contains(prefix + ".value." + m.group(2))) {
                        sources = List.of(name, prefix + ".key." + m.group(2), prefix + ".value." + m.group(2));
                        name2 = prefix + ".qkv." + m.group(2);
                    } else if (name.matches(".*\\.attention\\.attention\\.(key|value)\\.(weight|bias)$")
                            && names.contains(name.replaceAll("\\.(key|value)\\.(weight|bias)$", ".query.$2"))) {
                        continue;
                    }
                }
                Optional<String> mapped = map.apply(name2);
                if (mapped.isEmpty()) {
                    continue;
                }
                List<String> previous = parts.put(mapped.get(), sources);
                if (previous != null) {
                    throw new IllegalArgumentException("checkpoint tensors " + previous + " and " + sources
                            + " both map to '" + mapped.get() + "'; is the nameMap right for this file?");
                }
            }
        }

        @Override
        public Set<String> names() {
            return Collections.unmodifiableSet(parts.keySet());
        }

        private List<String> sources(String name) {
            List<String> s = parts.get(name);
            if (s == null) {
                throw new IllegalArgumentException("no tensor named '" + name + "' after renaming");
            }
            return s;
        }

        @Override
        public Shape shape(String name) {
            List<String> s = sources(name);
            Shape first = inner.shape(s.get(0));
            if (s.size() == 1) {
                return first;
            }
            long rows = 0;
            for (String part : s) {
                rows += inner.shape(part).get(0);
            }
            long[] dims = first.getShape().clone();
            dims[0] = rows;
            return new Shape(dims);
        }

        @Override
        public NDArray read(String name, NDManager manager) throws IOException {
            List<String> s = sources(name);
            if (s.size() == 1) {
                NDArray a = inner.read(s.get(0), manager);
                a.setName(name);
                return a;
            }
            List<NDArray> arrays = new ArrayList<>();
            try (NDManager scope = manager.newSubManager()) {
                for (String part : s) {
                    arrays.add(inner.read(part, scope));
                }
                NDArray fused = NDArrays.concat(new NDList(arrays), 0);
                fused.attach(manager);
                fused.setName(name);
                return fused;
            }
        }

        @Override
        public void close() throws IOException {
            inner.close();
        }
    }
}
