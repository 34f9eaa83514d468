package dev.perennial.models.io;

import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import java.util.Optional;

/**
 * The element types of the safetensors format, with what each becomes when it is read into DJL.
 *
 * <p>DJL 0.36's PyTorch JNI maps data types by ordinal and aborts the whole process (not an exception) for any
 * type outside float32/64, float16, uint8, int8, int32, int64 and bool (djl-notes §4.2). Types outside that
 * set are therefore widened in Java before any native call: BF16 to F32 (exact, §1.1), I16 and U16 to I32,
 * U32 to I64. Types that cannot be widened losslessly (U64, the 8-bit floats) are refused.
 */
public enum SafetensorsDType {
    /** IEEE float64. */
    F64(8, DataType.FLOAT64),
    /** IEEE float32. */
    F32(4, DataType.FLOAT32),
    /** IEEE float16, kept as float16. */
    F16(2, DataType.FLOAT16),
    /** bfloat16, widened to float32 in Java. */
    BF16(2, DataType.FLOAT32),
    /** int64. */
    I64(8, DataType.INT64),
    /** int32. */
    I32(4, DataType.INT32),
    /** int16, widened to int32 in Java. */
    I16(2, DataType.INT32),
    /** int8. */
    I8(1, DataType.INT8),
    /** uint8. */
    U8(1, DataType.UINT8),
    /** uint16, widened to int32 in Java. */
    U16(2, DataType.INT32),
    /** uint32, widened to int64 in Java. */
    U32(4, DataType.INT64),
    /** uint64: valid safetensors, refused on read (no lossless DJL type). */
    U64(8, null),
    /** bool, one byte per element holding 0 or 1. */
    BOOL(1, DataType.BOOLEAN),
    /** float8 e4m3: valid safetensors, refused on read. */
    F8_E4M3(1, null),
    /** float8 e5m2: valid safetensors, refused on read. */
    F8_E5M2(1, null);

    private final int byteSize;
    private final DataType djlType;

    SafetensorsDType(int byteSize, DataType djlType) {
        this.byteSize = byteSize;
        this.djlType = djlType;
    }

    /**
     * Bytes per element in the file.
     *
     * @return the element size
     */
    public int byteSize() {
        return byteSize;
    }

    /**
     * The DJL type a tensor of this dtype is read as, after any widening in Java.
     *
     * @return the DJL type, or empty if this dtype cannot be read
     */
    public Optional<DataType> djlType() {
        return Optional.ofNullable(djlType);
    }

    /**
     * The dtype of a header's {@code "dtype"} string (case-sensitive, as the format defines it).
     *
     * @param name e.g. {@code "F32"}
     * @return the dtype, or empty if unknown
     */
    public static Optional<SafetensorsDType> fromName(String name) {
        for (SafetensorsDType t : values()) {
            if (t.name().equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /**
     * The dtype that stores a DJL type without conversion (the writer's choice).
     *
     * @param type a DJL type
     * @return the dtype
     * @throws IllegalArgumentException for DJL types safetensors cannot hold or DJL cannot produce safely
     */
    public static SafetensorsDType of(DataType type) {
        switch (type) {
            case FLOAT64: return F64;
            case FLOAT32: return F32;
            case FLOAT16: return F16;
            case INT64: return I64;
            case INT32: return I32;
            case INT8: return I8;
            case UINT8: return U8;
            case BOOLEAN: return BOOL;
            default:
                throw new IllegalArgumentException("cannot write DJL type " + type + " to safetensors; accepted: "
                        + "FLOAT64, FLOAT32, FLOAT16, INT64, INT32, INT8, UINT8, BOOLEAN");
        }
    }

    /**
     * The names accepted in a header, for error messages.
     *
     * @return the names, comma-separated
     */
    static String knownNames() {
        return String.join(", ", Arrays.stream(values()).map(Enum::name).toArray(String[]::new));
    }
}
