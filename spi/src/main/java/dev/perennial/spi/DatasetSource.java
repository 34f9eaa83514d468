package dev.perennial.spi;

/** A data set with a training and an evaluation split, made by a {@link DatasetSourceProvider}. */
public interface DatasetSource {

    /**
     * The training split.
     *
     * @return the split
     */
    DatasetSplit train();

    /**
     * The evaluation split.
     *
     * @return the split
     */
    DatasetSplit test();

    /**
     * Where the data came from, for reports, e.g. the folder.
     *
     * @return a description
     */
    String describe();
}
