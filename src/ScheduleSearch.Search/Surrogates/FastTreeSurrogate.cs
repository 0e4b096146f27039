using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;

namespace ScheduleSearch.Search.Surrogates;

/// <summary>
/// ML.NET FastTree (gradient-boosted regression trees) on log-score. Trees do not extrapolate: a child unlike
/// anything scored gets the prediction of its nearest leaf, not a runaway value. One thread and a fixed seed make
/// it deterministic.
/// </summary>
internal sealed class FastTreeSurrogate : ISurrogate
{
    private readonly int trees;
    private readonly int leaves;
    private readonly int minLeaf;
    private readonly double learningRate;
    private MLContext? ml;
    private ITransformer? model;
    private SchemaDefinition? schema;

    public FastTreeSurrogate(int trees = 200, int leaves = 8, int minLeaf = 4, double learningRate = 0.1)
    {
        this.trees = trees;
        this.leaves = leaves;
        this.minLeaf = minLeaf;
        this.learningRate = learningRate;
    }

    public void Fit(IReadOnlyList<double[]> x, IReadOnlyList<double> y, int seed)
    {
        ml = new MLContext(seed);
        schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, x[0].Length);
        var rows = x.Select((r, i) => new Row { Features = ToFloats(r), Label = (float)y[i] }).ToArray();
        var trainer = ml.Regression.Trainers.FastTree(new FastTreeRegressionTrainer.Options
        {
            NumberOfThreads = 1,
            NumberOfTrees = trees,
            NumberOfLeaves = leaves,
            MinimumExampleCountPerLeaf = Math.Max(1, Math.Min(minLeaf, x.Count / 10)),
            LearningRate = learningRate,
            Seed = seed,
            FeatureFraction = 1.0,
        });
        model = trainer.Fit(ml.Data.LoadFromEnumerable(rows, schema));
    }

    public double[] Predict(IReadOnlyList<double[]> x)
    {
        if (model is null || ml is null || x.Count == 0)
        {
            return new double[x.Count];
        }

        var data = ml.Data.LoadFromEnumerable(x.Select(r => new Row { Features = ToFloats(r) }), schema);
        return model.Transform(data).GetColumn<float>("Score").Select(v => (double)v).ToArray();
    }

    private static float[] ToFloats(double[] r) => r.Select(v => (float)v).ToArray();

    /// <summary>One training or scoring row (ML.NET reads public properties).</summary>
    private sealed class Row
    {
        public float[] Features { get; set; } = [];

        public float Label { get; set; }
    }
}
