/**
 * Cross-architecture knowledge distillation, registered as distillers through the SPI: {@code cakd} (fusion /
 * assistant model, InfoNCE after spatial smoothing, OFA logit loss) and the baselines {@code kd}, {@code fitnet}
 * and {@code ofa}.
 */
module dev.perennial.distillation {
    requires transitive dev.perennial.spi;
    requires transitive dev.perennial.models;
    requires com.fasterxml.jackson.annotation;

    exports dev.perennial.distillation;
    exports dev.perennial.distillation.assistant;
    exports dev.perennial.distillation.cakd;
    exports dev.perennial.distillation.fitnet;
    exports dev.perennial.distillation.kd;
    exports dev.perennial.distillation.ofa;

    // Jackson binds the config records reflectively.
    opens dev.perennial.distillation to com.fasterxml.jackson.databind;
    opens dev.perennial.distillation.cakd to com.fasterxml.jackson.databind;
    opens dev.perennial.distillation.fitnet to com.fasterxml.jackson.databind;
    opens dev.perennial.distillation.kd to com.fasterxml.jackson.databind;
    opens dev.perennial.distillation.ofa to com.fasterxml.jackson.databind;

    provides dev.perennial.spi.DistillerProvider with
            dev.perennial.distillation.cakd.CakdProvider,
            dev.perennial.distillation.kd.KdProvider,
            dev.perennial.distillation.fitnet.FitnetProvider,
            dev.perennial.distillation.ofa.OfaProvider;
}
