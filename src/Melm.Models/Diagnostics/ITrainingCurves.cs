namespace Melm.Models.Diagnostics;

/// <summary>
/// Where a trainer sends its curves (loss per step, learning rate, dev figures per epoch, speed).
/// It only observes: a trainer computes every value it reports anyway, so what an implementation
/// does cannot change the trainer's numbers or outputs. The `melm` commands write TensorBoard
/// event files through it; tests and callers without curves use <see cref="NoTrainingCurves"/>.
/// </summary>
public interface ITrainingCurves
{
    /// <summary>
    /// Called once before any point: 0 when the training starts from scratch, else the step the
    /// resumed training continues after (its points come with later steps).
    /// </summary>
    void Start(int doneSteps);

    /// <summary>One point of the curve <paramref name="tag"/> ("train/loss", "dev/f1") at a global step.</summary>
    void Scalar(string tag, double value, int globalStep);
}
