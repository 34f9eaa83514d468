package dev.perennial.distillation.cakd;

import ai.djl.ndarray.NDList;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.UniformInitializer;
import ai.djl.util.PairList;
import dev.perennial.distillation.InfoNceMemoryBank;
import dev.perennial.distillation.assistant.FusionModel;
import dev.perennial.models.nn.FixedShapeBlock;
import dev.perennial.models.nn.Linear;
import java.util.Optional;

/**
 * Everything {@code cakd} trains (the block it hands the loop): the fusion model's own parts ({@code fusion}),
 * the projection heads g_T, g_S, g_F ({@code proj_teacher}, {@code proj_student}, {@code proj_fusion}, cakd.md
 * §2.1) and one learnable logτ₂ per pair ({@code log_tau_ts}, {@code log_tau_tf}, {@code log_tau_fs}); with the
 * memory-bank InfoNCE also the three banks of stored embeddings ({@code bank_teacher}, {@code bank_student},
 * {@code bank_fusion}, N × d, no gradient), which are parameters so that the loop checkpoints and restores them
 * with the rest. Only the student is kept for inference: this block is the part dropped at export.
 */
public final class CakdModules extends FixedShapeBlock {
    private final FusionModel fusion;
    private final Linear projTeacher;
    private final Linear projStudent;
    private final Linear projFusion;
    private final Parameter logTauTs;
    private final Parameter logTauTf;
    private final Parameter logTauFs;
    private final Optional<Parameter> bankTeacher;
    private final Optional<Parameter> bankStudent;
    private final Optional<Parameter> bankFusion;

    CakdModules(FusionModel fusion, int teacherDim, int studentDim, int fusionDim, int projectionDim,
            double initialTemperature, int memoryBankRows) {
        this.fusion = addChildBlock("fusion", fusion);
        this.projTeacher = addChildBlock("proj_teacher", new Linear(teacherDim, projectionDim, true));
        this.projStudent = addChildBlock("proj_student", new Linear(studentDim, projectionDim, true));
        this.projFusion = addChildBlock("proj_fusion", new Linear(fusionDim, projectionDim, true));
        float logTau = (float) Math.log(initialTemperature);
        this.logTauTs = registerParameter("log_tau_ts", Parameter.Type.OTHER, new ai.djl.ndarray.types.Shape(1),
                new ConstantInitializer(logTau));
        this.logTauTf = registerParameter("log_tau_tf", Parameter.Type.OTHER, new ai.djl.ndarray.types.Shape(1),
                new ConstantInitializer(logTau));
        this.logTauFs = registerParameter("log_tau_fs", Parameter.Type.OTHER, new ai.djl.ndarray.types.Shape(1),
                new ConstantInitializer(logTau));
        this.bankTeacher = bank("bank_teacher", memoryBankRows, projectionDim);
        this.bankStudent = bank("bank_student", memoryBankRows, projectionDim);
        this.bankFusion = bank("bank_fusion", memoryBankRows, projectionDim);
    }

    /** A memory bank (no bank when rows is 0): CRD's uniform initialisation, never trained by the optimizer. */
    private Optional<Parameter> bank(String name, int rows, int dim) {
        if (rows == 0) {
            return Optional.empty();
        }
        return Optional.of(addParameter(Parameter.builder()
                .setName(name)
                .setType(Parameter.Type.OTHER)
                .optShape(new ai.djl.ndarray.types.Shape(rows, dim))
                .optInitializer(new UniformInitializer(InfoNceMemoryBank.initialScale(dim)))
                .optRequiresGrad(false)
                .build()));
    }

    /** @return the fusion model */
    public FusionModel fusion() {
        return fusion;
    }

    /** @return g_T */
    public Linear projTeacher() {
        return projTeacher;
    }

    /** @return g_S */
    public Linear projStudent() {
        return projStudent;
    }

    /** @return g_F */
    public Linear projFusion() {
        return projFusion;
    }

    /** @return logτ₂ of the teacher–student pair */
    public Parameter logTauTeacherStudent() {
        return logTauTs;
    }

    /** @return logτ₂ of the teacher–fusion pair */
    public Parameter logTauTeacherFusion() {
        return logTauTf;
    }

    /** @return logτ₂ of the fusion–student pair */
    public Parameter logTauFusionStudent() {
        return logTauFs;
    }

    /** @return the memory bank of teacher embeddings, when InfoNCE uses memory banks */
    public Optional<Parameter> bankTeacher() {
        return bankTeacher;
    }

    /** @return the memory bank of student embeddings, when InfoNCE uses memory banks */
    public Optional<Parameter> bankStudent() {
        return bankStudent;
    }

    /** @return the memory bank of fusion-model embeddings, when InfoNCE uses memory banks */
    public Optional<Parameter> bankFusion() {
        return bankFusion;
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        throw new UnsupportedOperationException("cakd modules are run by CakdDistiller.loss, not as one block");
    }
}
