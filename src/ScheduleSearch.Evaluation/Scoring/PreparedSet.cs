using ScheduleSearch.Evaluation.NoiseSets;
using ScheduleSearch.Evaluation.References;

namespace ScheduleSearch.Evaluation.Scoring;

/// <summary>
/// A noise set ready for scoring: its draws, the teacher's samples on it (null without a teacher), their most likely
/// mixture components, and the teacher's samples in the space candidates are scored in (<see cref="ScoringSpace"/>:
/// the samples themselves, or their decoded images, decoded once here; empty without a teacher).
/// </summary>
internal sealed record PreparedSet(NoiseSet Noise, TeacherReference? Teacher, int[]? TeacherComponents, ReadOnlyMemory<double> ScoredTeacher);
