/** Reusable DJL blocks shared by every plugin: backbones, PET modules and safe checkpoint IO. */
module dev.perennial.models {
    requires transitive dev.perennial.spi;
    requires transitive ai.djl.api;
    requires com.google.gson;

    exports dev.perennial.models;
    exports dev.perennial.models.io;
    exports dev.perennial.models.nn;
    exports dev.perennial.models.pet;
    exports dev.perennial.models.vit;
    exports dev.perennial.models.cnn;
    exports dev.perennial.models.mlp;
    exports dev.perennial.models.clip;
    exports dev.perennial.models.llama;
    exports dev.perennial.models.diffusion;
}
