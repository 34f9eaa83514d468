package dev.perennial.api.internal;

import dev.perennial.api.RunFolderInUseException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The lock of a run folder ({@code <run>/.lock}), held while a run or resume writes there. It is an OS file lock
 * ({@link FileChannel#tryLock()}), so the OS drops it when the process ends in any way, {@code kill -9} included:
 * a {@code .lock} file left behind by a killed run does not block, only a live holder does. The file stays after
 * release; deleting it would let a process that opened the old file and one that creates a new one both lock.
 *
 * <p>Within one JVM the folders held are also kept in a set and checked first: opening and closing a second
 * descriptor of the file would drop the process's POSIX lock on it.
 */
final class RunFolderLock implements AutoCloseable {
    static final String FILE = ".lock";
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path folder;
    private final FileChannel channel;
    private final FileLock lock;

    private RunFolderLock(Path folder, FileChannel channel, FileLock lock) {
        this.folder = folder;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of a run folder.
     *
     * @param runDirectory the run's folder
     * @return the held lock; close it to release
     * @throws RunFolderInUseException when another run holds it
     */
    static RunFolderLock acquire(Path runDirectory) {
        Path folder = runDirectory.toAbsolutePath().normalize();
        Path file = folder.resolve(FILE);
        if (!HELD.add(folder)) {
            throw inUse(runDirectory, "a run in this process");
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                String holder = holder(channel);
                channel.close();
                HELD.remove(folder);
                throw inUse(runDirectory, holder.isEmpty() ? "another process" : holder);
            }
            String me = "pid " + ProcessHandle.current().pid() + " since " + Instant.now();
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(me.getBytes(StandardCharsets.UTF_8)), 0);
            return new RunFolderLock(folder, channel, lock);
        } catch (IOException e) {
            HELD.remove(folder);
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw new UncheckedIOException("cannot lock the run folder " + runDirectory + " (" + file + "): "
                    + e.getMessage(), e);
        }
    }

    private static RunFolderInUseException inUse(Path runDirectory, String holder) {
        return new RunFolderInUseException("run folder " + runDirectory + " is in use by " + holder
                + " (" + FILE + " is locked); wait for that run to end or stop it, then resume");
    }

    private static String holder(FileChannel channel) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(200);
        channel.read(b, 0);
        return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8).trim();
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // the OS drops the lock with the process anyway
        } finally {
            HELD.remove(folder);
        }
    }
}
