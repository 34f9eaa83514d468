/** LLaVA-1.5 on DJL: model, checkpoint loading, tokenizer, chat template, generation and LoRA training. */
module dev.perennial.llava {
    requires transitive dev.perennial.models;
    requires ai.djl.tokenizers;
    requires com.google.gson;
    requires com.fasterxml.jackson.annotation;

    exports dev.perennial.llava;
    exports dev.perennial.llava.image;
    exports dev.perennial.llava.text;
    exports dev.perennial.llava.generate;
}
